"""The medical-insurance assistant (医保问答): answers a member's questions in Chinese from the rule tables, the
guide texts and the member's own archive, citing each; refuses what it cannot ground."""
