"""The company directory (LDAP, Active Directory): its settings, reading its groups, snapshots, sign-in."""
