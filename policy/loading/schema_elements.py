"""The elements of the rules language, each with its schema, a one-line description and an example.

Only the shape lives here; what needs the whole policy (references, zones, real dates, domains) is
checked by policy/loading/semantics.py, with messages that can suggest the closest valid name.
"""
from __future__ import annotations

from policy.actions import NAMES as ACTIONS, OUTCOMES
from policy.loading.schema import element, name_string, named_map, strict
from policy.model import UNNAMED_WORDS

TIME = {"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "examples": ["09:00", "17:30", "24:00"],
        "x-fix": "write a time of day as HH:MM, e.g. 09:00 or 17:30"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "examples": ["2026-12-24"],
        "x-fix": "write a date as YYYY-MM-DD, e.g. 2026-12-24"}
NAMES = {"type": "array", "items": {"type": "string"}}
MINUTES = {"type": "integer", "minimum": 0, "maximum": 7 * 24 * 60}

category = element("category", "Category", "A family of sites that rules can name at once as category:NAME.", """
internal-social: {label: Our community, internal: true}
""", strict({
    "label": {"type": "string", "description": "shown to people (default: the name)"},
    "internal": {"type": "boolean", "description": "the company's own community, offered as an alternative"},
}))

site = element("site", "Site", "A service and the domains it is reached at; a domain covers its subdomains.", """
facebook:
  label: Facebook
  category: external-social
  domains: [facebook.com, fb.com, messenger.com]
  bundle: [fbcdn.net, fbsbx.com]
""", strict({
    "label": {"type": "string", "description": "shown to people (default: the name)"},
    "category": name_string("category") | {"description": "the category this site belongs to"},
    "domains": NAMES | {"description": "host names; each matches itself and every subdomain"},
    "bundle": NAMES | {"description": "asset/CDN hosts: decided like the site, never counted as use"},
}, required=("category",)))

group = element("group", "Group", "People, by user name or from a directory group, and the managers who may tune "
                "the group's limits.", """
staff: {include: [marketing, engineering], members: [dave], managers: [carol]}
""", strict({
    "directory": {"type": "string", "minLength": 1, "examples": ["cn=marketing,ou=groups,dc=northwind,dc=example"],
                  "description": "DN of a directory group whose members (nested groups included) belong to this one",
                  "x-fix": "write the directory group's DN, e.g. cn=marketing,ou=groups,dc=example,dc=com"},
    "members": NAMES | {"description": "user names of the members"},
    "managers": NAMES | {"description": "user names of those who may adjust this group's limits in the panel"},
    "include": NAMES | {"description": "other groups whose members belong to this one too (transitively)"},
}))

network = element("network", "Network", "Address ranges (CIDR) that rules can name in `who` as network:NAME.", """
guest-wifi: [10.20.0.0/16, "fd00:20::/48"]
""", NAMES | {"minItems": 1, "x-fix": "list at least one address range, e.g. [10.20.0.0/16]"})

window = element("window", "Schedule window", "One stretch of time: weekdays or dates, optionally from/to.", """
- {days: mon-fri, from: "12:00", to: "13:00"}
- {days: [sat, sun]}
- {dates: [2026-12-24, 2026-12-31], from: "12:00"}
""", strict({
    "days": {"type": ["string", "array"], "items": {"type": "string"}, "examples": ["mon-fri", "sat,sun", "daily"],
             "description": "mon-fri, sat,sun, daily, or a list of days"},
    "dates": {"type": "array", "items": DATE, "description": "whole days (or from/to on those days)"},
    "from": TIME | {"description": "start, HH:MM (default 00:00)"},
    "to": TIME | {"description": "end, HH:MM, 24:00 allowed (default 24:00); not after `from`: crosses midnight"},
}))

schedule = element("schedule", "Schedule", "Named times that rules use in `when` and `except`: any window counts.", """
evenings:
  - {days: mon-fri, from: "18:00", to: "07:00"}   # crosses midnight
""", {"type": "array", "items": window, "minItems": 1})

quota = element("quota", "Quota", "Minutes of use per day or week while the rule applies; then blocked.", """
quota: {minutes: 30, per: day}
""", strict({"minutes": MINUTES | {"description": "minutes allowed per period"},
             "per": {"enum": ["day", "week"], "description": "day, or week (starting Monday); default day"}},
            required=("minutes",)))

warn = element("warn", "Warn settings", "How long a Continue on the warning page lasts.", """
warn: {remember: 60}
""", strict({"remember": MINUTES | {"minimum": 1, "description": "minutes a Continue lasts (default 60)"}}))

grant = element("grant", "Grant bound", "Whether and how long managers may open the rule's sites to one person.", """
grant: {max: 8h, to: [marketing]}
""", strict({
    "max": {"type": "string", "pattern": r"^[1-9][0-9]{0,2}[hd]$", "examples": ["8h", "3d"],
            "description": "the longest grant: hours (8h) or days (3d), at most 30d",
            "x-fix": "write a duration in hours or days, e.g. 8h or 3d"},
    "to": NAMES | {"description": "group names whose members may be granted (default: everyone the rule applies to)"},
}, required=("max",)))

adjustable = element("adjustable", "Adjustable", "What managers of the rule's groups may change for their group.", """
adjustable: {minutes: {min: 0, max: 90}, action: [warn, allow, block], when: [lunch, evenings], grant: {max: 8h}}
""", strict({
    "minutes": strict({"min": MINUTES, "max": MINUTES}, required=("min", "max"),
                      description="bounds for the quota's minutes"),
    "action": {"type": "array", "items": {"enum": list(ACTIONS)}, "description": "actions managers may pick"},
    "when": NAMES | {"description": "schedules managers may pick for `when`"},
    "grant": grant,
}))

rule = element("rule", "Rule", "Who, which sites, when, and what happens; the first matching rule decides.", """
- name: social-budget
  who: [group:staff]
  sites: [category:external-social]
  except: [holidays]
  action: quota
  quota: {minutes: 30, per: day}
  message: "{minutes} minutes a {per}; lunch and evenings don't count."
""", strict({
    "name": name_string("rule") | {"description": "unique; shown in traces, the panel and the block page"},
    "who": NAMES | {"examples": [["group:staff", "user:alice", "network:guest-wifi", "anonymous", "everyone"]],
                    "description": "user:NAME, group:NAME, network:NAME, anonymous, everyone (default)"},
    "sites": NAMES | {"minItems": 1, "description": "site names, category:NAME or domain:DOMAIN",
                      "examples": [["facebook", "category:external-social", "domain:vimeo.com"]],
                      "x-fix": "list at least one site name, category:NAME or domain:DOMAIN"},
    "when": NAMES | {"description": "schedule names: the rule applies inside any of them (default: always)"},
    "except": NAMES | {"description": "schedule names: the rule does not apply inside any of them"},
    "action": {"enum": list(ACTIONS), "description": ", ".join(ACTIONS[:-1]) + " or " + ACTIONS[-1]},
    "quota": quota, "warn": warn, "adjustable": adjustable,
    "message": {"type": "string", "description": "shown to the employee the rule stops or warns; may use "
                "{minutes}, {per}, {site}, {budget}, {opens}"},
}, required=("name", "sites", "action")))

unnamed = element("unnamed", "Unnamed destinations",
                  "Who may open an address that names no site when the proxy cannot look inside (no CA).", """
unnamed: {allow: [group:it, unrestricted]}   # or: unrestricted (the default), block, allow
""", {"type": ["string", "object"], "if": {"type": "string"}, "then": {"enum": list(UNNAMED_WORDS)},
      "additionalProperties": False, "required": ["allow"],
      "properties": {"allow": NAMES | {
          "description": "who entries (user:NAME, group:NAME, network:NAME, anonymous, everyone) and unrestricted",
          "examples": [["group:it", "network:servers", "unrestricted"]]}},
      "examples": list(UNNAMED_WORDS), "description": "unrestricted (default), block, allow, or {allow: [...]}"})

element("policy-file", "Watercooler rules file", "Any subset of these keys; all files of the folder are merged.", """
version: 1
timezone: Europe/Berlin
default: allow
""", strict({
    "version": {"enum": [1], "description": "the language version: 1"},
    "timezone": {"type": "string", "examples": ["Europe/Berlin"], "description": "IANA zone of every schedule"},
    "categories": named_map("category", category, "families of sites"),
    "sites": named_map("site", site, "the sites the policy knows"),
    "groups": named_map("group", group, "groups of people"),
    "networks": named_map("network", network, "named address ranges"),
    "schedules": named_map("schedule", schedule, "named times"),
    "rules": {"type": "array", "items": rule, "description": "in order: the first rule that matches decides"},
    "default": {"enum": ["allow", "block"], "description": "when no rule matches (default allow)"},
    "confirm-removal": {"type": "array", "description": "KIND:NAME entries whose loss the proxy accepts on reload",
                        "examples": [["rule:video-nudge", "file:legacy.yaml", "site:myspace"]],
                        "items": {"type": "string",
                                  "pattern": r"^(file|setting|rule|site|category|group|network|schedule):\S+$",
                                  "x-fix": "write KIND:NAME, KIND one of file, setting (setting:default, "
                                           "setting:unnamed), rule, site, category, group, network, schedule"}},
    "unnamed": unnamed | {"description": "who may open bare addresses the proxy cannot look inside "
                                         "(default: unrestricted)"},
}))

case = element("case", "Test case", "A request and the outcome the admin expects.", """
- name: budget used up
  user: alice
  url: https://m.facebook.com/
  at: 2026-11-26T15:00
  used: 30
  expect: {action: block, rule: social-budget}
""", strict({
    "name": {"type": "string", "description": "what the case checks, shown as PASS/FAIL"},
    "user": {"type": "string", "description": "who asks; omit for anonymous"},
    "ip": {"type": "string", "description": "the client's address (for network: rules)"},
    "url": {"type": "string", "description": "the address requested"},
    "method": {"type": "string", "description": "HTTP method (default GET)"},
    "at": {"type": "string", "description": "ISO 8601; without an offset: local to the policy's zone"},
    "used": MINUTES | {"description": "minutes already used in the quota period"},
    "continued": {"type": "boolean", "description": "the user already pressed Continue"},
    "no_ca": {"type": "boolean",
              "description": "the proxy runs without its CA: a bare address is decided by `unnamed`"},
    "grant": {"type": "string", "pattern": r"^[1-9][0-9]{0,2}[hd]$", "examples": ["8h", "3d"],
              "description": "as if a manager had granted the user this site for this long from `at` "
                             "(left out when the rules' adjustable.grant does not allow it)",
              "x-fix": "write a duration in hours or days, e.g. 8h or 3d"},
    "expect": {"oneOf": [{"enum": list(OUTCOMES)},
                         strict({"action": {"enum": list(OUTCOMES)}, "rule": {"type": ["string", "null"]}},
                                required=("action",))],
               "description": "an outcome, or {action, rule} (rule: default when no rule should match)"},
}, required=("url", "at", "expect")))

element("case-file", "Watercooler test cases", "A file in rules/tests/: cases that `watercooler test` runs.", """
cases:
  - {name: lunch is free, user: alice, url: https://www.facebook.com/, at: 2026-11-26T12:15, expect: allow}
""", strict({"cases": {"type": "array", "items": case, "minItems": 1, "description": "the cases, run in order"}},
       required=("cases",)))
