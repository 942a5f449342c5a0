package catalog

import "github.com/freshetdb/freshet/sql/types"

// Tablespace OIDs of pg_tablespace.
const (
	DefaultTablespaceID uint32 = 1663
	GlobalTablespaceID  uint32 = 1664
)

// pgDatabase is pg_database. Freshet serves one database under whatever
// name a client connects with, so the row is named after the session's
// database (DatabaseName outside a session).
func pgDatabase() systemTable {
	return catalogTable(1262, "pg_database", `
		oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool,
		datallowconn bool, datconnlimit int4, datfrozenxid xid, datminmxid xid, dattablespace oid,
		datcollate text, datctype text, daticulocale text, datcollversion text, datacl text[]`,
		func(b *rowBuilder, _ *Catalog, s Session) []types.Row {
			name := DatabaseName
			if s != nil && s.CurrentDatabase() != "" {
				name = s.CurrentDatabase()
			}
			return []types.Row{b.row("oid", DatabaseID, "datname", name, "datdba", SuperuserID, "encoding", 6,
				"datlocprovider", "c", "datallowconn", true, "datconnlimit", -1, "datminmxid", 1,
				"dattablespace", DefaultTablespaceID, "datcollate", "C", "datctype", "C")}
		})
}

// pgTablespace is pg_tablespace: Postgres' two built-in tablespaces.
func pgTablespace() systemTable {
	return catalogTable(1213, "pg_tablespace", `oid oid, spcname name, spcowner oid, spcacl text[], spcoptions text[]`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			return []types.Row{
				b.row("oid", DefaultTablespaceID, "spcname", "pg_default", "spcowner", SuperuserID),
				b.row("oid", GlobalTablespaceID, "spcname", "pg_global", "spcowner", SuperuserID),
			}
		})
}

// pgAuthid is pg_authid: the one role, a superuser that owns everything.
func pgAuthid() systemTable {
	return catalogTable(1260, "pg_authid", `
		oid oid, rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool,
		rolcanlogin bool, rolreplication bool, rolbypassrls bool, rolconnlimit int4, rolpassword text,
		rolvaliduntil timestamptz`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			return []types.Row{b.row("oid", SuperuserID, "rolname", DefaultOwnerName, "rolsuper", true,
				"rolinherit", true, "rolcreaterole", true, "rolcreatedb", true, "rolcanlogin", true,
				"rolreplication", true, "rolbypassrls", true, "rolconnlimit", -1)}
		})
}

// pgRoles is the pg_roles view of pg_authid, the password hidden.
func pgRoles() systemTable {
	return catalogView(12000, "pg_roles", `
		rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool, rolcanlogin
		bool, rolreplication bool, rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz,
		rolbypassrls bool, rolconfig text[], oid oid`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			return []types.Row{b.row("rolname", DefaultOwnerName, "rolsuper", true, "rolinherit", true,
				"rolcreaterole", true, "rolcreatedb", true, "rolcanlogin", true, "rolreplication", true,
				"rolconnlimit", -1, "rolpassword", "********", "rolbypassrls", true, "oid", SuperuserID)}
		})
}

// pgUser is the pg_user view: the roles that can log in.
func pgUser() systemTable {
	return catalogView(12014, "pg_user", `
		usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool,
		passwd text, valuntil timestamptz, useconfig text[]`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			return []types.Row{b.row("usename", DefaultOwnerName, "usesysid", SuperuserID, "usecreatedb", true,
				"usesuper", true, "userepl", true, "usebypassrls", true, "passwd", "********")}
		})
}

// pgAuthMembers is pg_auth_members; with one role there are no
// memberships.
func pgAuthMembers() systemTable {
	return catalogTable(1261, "pg_auth_members", `roleid oid, member oid, grantor oid, admin_option bool`, nil)
}
