"""参保证明: insurance certificates as PDF documents with a QR code to a public verification page."""
