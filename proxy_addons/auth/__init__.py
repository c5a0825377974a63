"""Who is asking: proxy logins (LDAP, panel accounts, the directory), the address map, login-only ports."""
