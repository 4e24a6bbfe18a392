"""Committee dashboards: compliance, attendance, dues arrears and study hours of a subtree, with charts drawn on the
server as SVG."""
