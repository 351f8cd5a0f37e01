"""axe-core checks for the browser tests (the page's context must bypass the CSP: axe is injected inline)."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"


def serious_violations(page, disabled_rules: tuple[str, ...] = ()) -> list[str]:
    """The serious and critical axe violations of the page, one line each (rule, impact, help, first nodes)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in disabled_rules}}
    result = page.evaluate("async (options) => await axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
