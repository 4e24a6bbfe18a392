"""The member's own archive (我的医保档案) and the assistant that answers from it and from the rule tables."""
