"""ipaudit: audits journal extracts for the documentation duties of individuell plan and koordinator.

The package reads a DIPS-style extract (``ipaudit.extract``), builds the cohort and the
evidence once (``ipaudit.engine``), runs the rules of a profile (``ipaudit.checks``) and
renders one ``AuditResult`` as JSON, CSV, HTML and Excel (``ipaudit.report``).
"""

from __future__ import annotations

__version__ = "0.1.0"
