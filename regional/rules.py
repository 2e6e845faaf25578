"""Local rules of regional party building (orgs.rules.local_setting)."""

LOCAL_DEFAULTS = {
    # The grades of the difficult villages' yearly assessment, best first (configurable per org).
    "regional_village_grades": ["先进", "达标", "后进"],
}
