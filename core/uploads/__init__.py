"""Pictures: members' photos in posts, avatars, and what plugins show (products, campaign pages), checked and made
anew when sent (``images``), kept by content hash (``storage``), and seen only where they are used (``service``)."""
