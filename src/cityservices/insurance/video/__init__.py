"""视频办: a member asks for a video session about a business item, an agent takes it from a queue, and the two
browsers talk peer to peer (WebRTC) with signalling carried by the app."""
