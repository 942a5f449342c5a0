package engine

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// createTable runs CREATE TABLE.
func (s *Session) createTable(cs *pg.CreateStmt) (string, error) {
	if cs.Relation.Relpersistence == "t" {
		return "", sqlerr.Unsupported("temporary tables")
	}
	if len(cs.InhRelations) > 0 || cs.Partspec != nil || cs.Partbound != nil || cs.OfTypename != nil {
		return "", sqlerr.Unsupported("inheritance, partitioning and typed tables")
	}
	t := &catalog.Table{Name: cs.Relation.Relname, Kind: catalog.RelTable}
	pk, pkName, err := s.tableColumns(cs, t)
	if err != nil {
		return "", err
	}
	if err := setPrimaryKey(t, pk, pkName); err != nil {
		return "", err
	}
	exists := false
	_, err = s.e.cat.Apply(func(e *catalog.Edit) (err error) {
		exists, err = s.putNewRelation(e, t, cs.Relation.Schemaname, cs.IfNotExists)
		return err
	})
	if err != nil {
		return "", err
	}
	if exists {
		return "CREATE TABLE", s.notice("42P07", "relation \""+t.Name+"\" already exists, skipping")
	}
	return "CREATE TABLE", nil
}

// setPrimaryKey makes the named columns t's primary key (NOT NULL).
func setPrimaryKey(t *catalog.Table, pk []string, pkName string) error {
	for _, name := range pk {
		i := t.ColumnIndex(name)
		if i < 0 {
			return sqlerr.Newf(sqlerr.UndefinedColumn, "column %q named in key does not exist", name)
		}
		for _, k := range t.PrimaryKey {
			if k == i {
				return sqlerr.Newf(sqlerr.DuplicateColumn, "column %q appears twice in primary key constraint", name)
			}
		}
		t.PrimaryKey = append(t.PrimaryKey, i)
		t.Columns[i].NotNull = true
	}
	if len(pk) > 0 {
		t.PKName = pkName
		if t.PKName == "" {
			t.PKName = t.Name + "_pkey"
		}
	}
	return nil
}

// tableColumns reads the column definitions of a CREATE TABLE into t's
// columns and returns the primary key's columns and constraint name.
func (s *Session) tableColumns(cs *pg.CreateStmt, t *catalog.Table) (pk []string, pkName string, err error) {
	b := s.binder("", nil)
	addPK := func(cols []string, name string) error {
		if pk != nil {
			return sqlerr.Newf(sqlerr.InvalidTableDefinition, "multiple primary keys for table %q are not allowed", t.Name)
		}
		pk, pkName = cols, name
		return nil
	}
	for _, el := range cs.TableElts {
		switch x := el.Node.(type) {
		case *pg.Node_ColumnDef:
			cd := x.ColumnDef
			if t.ColumnIndex(cd.Colname) >= 0 {
				return nil, "", sqlerr.Newf(sqlerr.DuplicateColumn, "column %q specified more than once", cd.Colname)
			}
			typ, err := b.TypeName(cd.TypeName)
			if err != nil {
				return nil, "", err
			}
			col := catalog.Column{Name: cd.Colname, Type: typ, NotNull: cd.IsNotNull}
			for _, cn := range cd.Constraints {
				c := cn.GetConstraint()
				switch c.Contype {
				case pg.ConstrType_CONSTR_NOTNULL:
					col.NotNull = true
				case pg.ConstrType_CONSTR_NULL:
				case pg.ConstrType_CONSTR_DEFAULT:
					def, err := b.CheckDefault(c.RawExpr, cd.Colname, typ)
					if err != nil {
						return nil, "", err
					}
					col.Default = def
				case pg.ConstrType_CONSTR_PRIMARY:
					if err := addPK([]string{cd.Colname}, c.Conname); err != nil {
						return nil, "", err
					}
				default:
					return nil, "", sqlerr.Unsupported(constraintName(c.Contype) + " constraints")
				}
			}
			t.Columns = append(t.Columns, col)
		case *pg.Node_Constraint:
			c := x.Constraint
			if c.Contype != pg.ConstrType_CONSTR_PRIMARY {
				return nil, "", sqlerr.Unsupported(constraintName(c.Contype) + " constraints")
			}
			var cols []string
			for _, k := range c.Keys {
				cols = append(cols, k.GetString_().Sval)
			}
			if err := addPK(cols, c.Conname); err != nil {
				return nil, "", err
			}
		default:
			return nil, "", sqlerr.Unsupported("this CREATE TABLE element")
		}
	}
	if len(t.Columns) > 1600 {
		return nil, "", sqlerr.New(sqlerr.ProgramLimitExceeded, "tables can have at most 1600 columns")
	}
	return pk, pkName, nil
}

// putNewRelation adds relation t in the schema named (or the creation
// schema of the search path), giving it an id; it reports exists (and adds
// nothing) when the name is taken and ifNotExists is set. A relation
// created inside a transaction block is dropped again by ROLLBACK.
func (s *Session) putNewRelation(e *catalog.Edit, t *catalog.Table, schema string, ifNotExists bool) (exists bool, err error) {
	sch, err := e.Cat.CreationSchema(s.searchPath(), schema)
	if err != nil {
		return false, err
	}
	if sch.ID == catalog.PgCatalogID || sch.ID == catalog.InfoSchemaID {
		return false, sqlerr.Newf(sqlerr.InsufficientPrivilege, "permission denied to create %q", sch.Name+"."+t.Name)
	}
	if _, dup := e.Cat.Table(sch.ID, t.Name); dup {
		if ifNotExists {
			return true, nil
		}
		return false, sqlerr.Newf(sqlerr.DuplicateTable, "relation %q already exists", t.Name)
	}
	id, err := e.NewID()
	if err != nil {
		return false, err
	}
	t.ID, t.SchemaID = id, sch.ID
	e.PutTable(t)
	s.noteCreated(id)
	return false, nil
}

func constraintName(c pg.ConstrType) string {
	switch c {
	case pg.ConstrType_CONSTR_UNIQUE:
		return "UNIQUE"
	case pg.ConstrType_CONSTR_CHECK:
		return "CHECK"
	case pg.ConstrType_CONSTR_FOREIGN:
		return "FOREIGN KEY"
	case pg.ConstrType_CONSTR_EXCLUSION:
		return "EXCLUDE"
	case pg.ConstrType_CONSTR_IDENTITY:
		return "identity column"
	case pg.ConstrType_CONSTR_GENERATED:
		return "generated column"
	}
	return strings.ToLower(c.String())
}

// createView runs CREATE [OR REPLACE] VIEW: the query is bound now (to
// report errors and fix the columns) and stored as text.
func (s *Session) createView(vs *pg.ViewStmt, text string) (string, error) {
	sel := vs.Query.GetSelectStmt()
	if sel == nil {
		return "", sqlerr.Unsupported("this view definition")
	}
	q, err := parser.Deparse(vs.Query)
	if err != nil {
		return "", err
	}
	b := s.binder(q, nil)
	node, err := b.Query(sel)
	if err != nil {
		return "", err
	}
	t := &catalog.Table{Name: vs.View.Relname, Kind: catalog.RelView, Query: q, Depends: b.Dependencies()}
	for i, c := range node.Columns() {
		name := c.Name
		if i < len(vs.Aliases) {
			name = vs.Aliases[i].GetString_().Sval
		}
		t.Columns = append(t.Columns, catalog.Column{Name: name, Type: c.Type})
	}
	_, err = s.e.cat.Apply(func(e *catalog.Edit) error {
		sch, err := e.Cat.CreationSchema(s.searchPath(), vs.View.Schemaname)
		if err != nil {
			return err
		}
		if old, exists := e.Cat.Table(sch.ID, t.Name); exists {
			if !vs.Replace || old.Kind != catalog.RelView {
				return sqlerr.Newf(sqlerr.DuplicateTable, "relation %q already exists", t.Name)
			}
			t.ID = old.ID
		} else {
			id, err := e.NewID()
			if err != nil {
				return err
			}
			t.ID = id
			s.noteCreated(id)
		}
		t.SchemaID = sch.ID
		e.PutTable(t)
		return nil
	})
	if err != nil {
		return "", err
	}
	return "CREATE VIEW", nil
}

// createSchema runs CREATE SCHEMA.
func (s *Session) createSchema(cs *pg.CreateSchemaStmt) (string, error) {
	if len(cs.SchemaElts) > 0 {
		return "", sqlerr.Unsupported("CREATE SCHEMA with schema elements")
	}
	name := cs.Schemaname
	if name == "" {
		return "", sqlerr.Unsupported("CREATE SCHEMA AUTHORIZATION without a name")
	}
	if strings.HasPrefix(name, "pg_") {
		return "", sqlerr.Newf(sqlerr.ReservedName, "unacceptable schema name %q", name).WithDetail(`The prefix "pg_" is reserved for system schemas.`)
	}
	skipped := false
	_, err := s.e.cat.Apply(func(e *catalog.Edit) error {
		if _, exists := e.Cat.SchemaByName(name); exists {
			if cs.IfNotExists {
				skipped = true
				return nil
			}
			return sqlerr.Newf(sqlerr.DuplicateSchema, "schema %q already exists", name)
		}
		id, err := e.NewID()
		if err != nil {
			return err
		}
		e.PutSchema(&catalog.Schema{ID: id, Name: name})
		s.noteCreated(id)
		return nil
	})
	if err != nil {
		return "", err
	}
	if skipped {
		return "CREATE SCHEMA", s.notice("42P06", "schema \""+name+"\" already exists, skipping")
	}
	return "CREATE SCHEMA", nil
}

// drop runs DROP TABLE / VIEW / SCHEMA.
func (s *Session) drop(ds *pg.DropStmt) (string, error) {
	cascade := ds.Behavior == pg.DropBehavior_DROP_CASCADE
	var tag string
	var want catalog.RelKind
	switch ds.RemoveType {
	case pg.ObjectType_OBJECT_TABLE:
		tag, want = "DROP TABLE", catalog.RelTable
	case pg.ObjectType_OBJECT_VIEW:
		tag, want = "DROP VIEW", catalog.RelView
	case pg.ObjectType_OBJECT_SCHEMA:
		return s.dropSchema(ds, cascade)
	case pg.ObjectType_OBJECT_MATVIEW:
		tag, want = "DROP MATERIALIZED VIEW", catalog.RelMaterializedView
	case pg.ObjectType_OBJECT_FOREIGN_TABLE:
		tag, want = "DROP SOURCE", catalog.RelSource
	case parser.DropSinkObject:
		tag, want = "DROP SINK", catalog.RelSink
	default:
		return "", sqlerr.Unsupported("DROP " + strings.TrimPrefix(ds.RemoveType.String(), "OBJECT_"))
	}
	kindName := want.Noun()
	var notices []string
	_, err := s.e.cat.Apply(func(e *catalog.Edit) error {
		for _, obj := range ds.Objects {
			var parts []string
			for _, n := range obj.GetList().Items {
				parts = append(parts, n.GetString_().Sval)
			}
			schema, name := "", parts[len(parts)-1]
			if len(parts) > 1 {
				schema = parts[len(parts)-2]
			}
			t, err := e.Cat.Resolve(s.searchPath(), schema, name)
			if err != nil || t.Kind == catalog.RelSystem {
				if ds.MissingOk {
					notices = append(notices, kindName+" \""+name+"\" does not exist, skipping")
					continue
				}
				return sqlerr.Newf(sqlerr.UndefinedTable, "%s %q does not exist", kindName, name)
			}
			if t.Kind != want {
				return sqlerr.Newf(sqlerr.WrongObjectType, "%q is not a %s", name, kindName).
					WithHint("Use DROP " + strings.ToUpper(t.Kind.Noun()) + " to remove a " + t.Kind.Noun() + ".")
			}
			if err := dropWithDependents(e, t, cascade, &notices); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	s.e.pruneViews()
	if err := s.notices(notices); err != nil {
		return "", err
	}
	return tag, nil
}

// dropWithDependents drops t, and with cascade the views that read it;
// without cascade a dependent view is error 2BP01.
func dropWithDependents(e *catalog.Edit, t *catalog.Table, cascade bool, notices *[]string) error {
	for _, d := range e.Cat.Dependents(t.ID) {
		if !cascade {
			return sqlerr.Newf(sqlerr.DependentObjectsStillExist, "cannot drop %s %s because other objects depend on it", t.Kind.Noun(), t.Name).
				WithDetail(d.Kind.Noun() + " " + d.Name + " depends on " + t.Kind.Noun() + " " + t.Name).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		if _, still := e.Cat.TableByID(d.ID); !still {
			continue
		}
		*notices = append(*notices, "drop cascades to "+d.Kind.Noun()+" "+d.Name)
		if err := dropWithDependents(e, d, true, notices); err != nil {
			return err
		}
	}
	e.DropTable(t.ID)
	return nil
}

func (s *Session) dropSchema(ds *pg.DropStmt, cascade bool) (string, error) {
	var notices []string
	_, err := s.e.cat.Apply(func(e *catalog.Edit) error {
		for _, obj := range ds.Objects {
			name := obj.GetString_().Sval
			sch, ok := e.Cat.SchemaByName(name)
			if !ok {
				if ds.MissingOk {
					notices = append(notices, "schema \""+name+"\" does not exist, skipping")
					continue
				}
				return sqlerr.Newf(sqlerr.UndefinedSchema, "schema %q does not exist", name)
			}
			if sch.ID == catalog.PgCatalogID || sch.ID == catalog.InfoSchemaID {
				return sqlerr.Newf(sqlerr.DependentObjectsStillExist, "cannot drop schema %s because it is required by the database system", name)
			}
			rels := e.Cat.TablesInSchema(sch.ID)
			if len(rels) > 0 && !cascade {
				return sqlerr.Newf(sqlerr.DependentObjectsStillExist, "cannot drop schema %s because other objects depend on it", name).
					WithDetail(rels[0].Kind.Noun() + " " + name + "." + rels[0].Name + " depends on schema " + name).
					WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
			}
			for _, t := range rels {
				if _, still := e.Cat.TableByID(t.ID); !still {
					continue
				}
				notices = append(notices, "drop cascades to "+t.Kind.Noun()+" "+name+"."+t.Name)
				if err := dropWithDependents(e, t, true, &notices); err != nil {
					return err
				}
			}
			e.DropSchema(sch.ID)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	s.e.pruneViews()
	if err := s.notices(notices); err != nil {
		return "", err
	}
	return "DROP SCHEMA", nil
}

// noteCreated records an object created inside a transaction block, so
// that ROLLBACK drops it again. Other DDL inside a block takes effect at once.
func (s *Session) noteCreated(id uint32) {
	if s.tx != nil {
		s.tx.created = append(s.tx.created, id)
	}
}

// noteReplaced records a descriptor as it was before a change inside a
// transaction block, so that ROLLBACK puts it back.
func (s *Session) noteReplaced(t *catalog.Table) {
	if s.tx != nil {
		s.tx.replaced = append(s.tx.replaced, t)
	}
}

// notices sends each message as a NOTICE.
func (s *Session) notices(msgs []string) error {
	for _, m := range msgs {
		if err := s.notice("00000", m); err != nil {
			return err
		}
	}
	return nil
}

// rename runs ALTER TABLE / VIEW / MATERIALIZED VIEW name RENAME TO new. It
// takes effect at once, also inside a transaction block, whose ROLLBACK
// renames back. The views that
// read the relation follow it: their stored queries are rewritten to the
// new name (a running materialized view reads by id and goes on as it is).
func (s *Session) rename(rs *pg.RenameStmt) (string, error) {
	want, tag := catalog.RelKind(0), ""
	switch rs.RenameType {
	case pg.ObjectType_OBJECT_TABLE:
		tag = "ALTER TABLE"
	case pg.ObjectType_OBJECT_VIEW:
		want, tag = catalog.RelView, "ALTER VIEW"
	case pg.ObjectType_OBJECT_MATVIEW:
		want, tag = catalog.RelMaterializedView, "ALTER MATERIALIZED VIEW"
	default:
		return "", sqlerr.Unsupported("ALTER ... RENAME of a " + strings.ToLower(strings.TrimPrefix(rs.RenameType.String(), "OBJECT_")))
	}
	name := rs.Relation.Relname
	var notice string
	_, err := s.e.cat.Apply(func(e *catalog.Edit) error {
		t, err := e.Cat.Resolve(s.searchPath(), rs.Relation.Schemaname, name)
		if err != nil || t.Kind == catalog.RelSystem {
			if rs.MissingOk {
				notice = "relation \"" + name + "\" does not exist, skipping"
				return nil
			}
			return sqlerr.Newf(sqlerr.UndefinedTable, "relation %q does not exist", name)
		}
		if want != 0 && t.Kind != want {
			return sqlerr.Newf(sqlerr.WrongObjectType, "%q is not a %s", name, want.Noun())
		}
		if _, taken := e.Cat.Table(t.SchemaID, rs.Newname); taken {
			return sqlerr.Newf(sqlerr.DuplicateTable, "relation %q already exists", rs.Newname)
		}
		// The views that read t follow it: their stored queries name it.
		sch, _ := e.Cat.SchemaByID(t.SchemaID)
		for _, d := range e.Cat.Dependents(t.ID) {
			q, err := parser.RenameRelation(d.Query, sch.Name, t.Name, rs.Newname)
			if err != nil {
				return err
			}
			follows := *d
			follows.Query = q
			s.noteReplaced(d)
			e.PutTable(&follows)
		}
		renamed := *t
		renamed.Name = rs.Newname
		s.noteReplaced(t)
		e.PutTable(&renamed)
		return nil
	})
	if err != nil {
		return "", err
	}
	s.e.refreshViewDescriptors()
	if notice != "" {
		return tag, s.notice("00000", notice)
	}
	return tag, nil
}

// refresh runs REFRESH MATERIALIZED VIEW: a maintained view is always
// current, so there is nothing to do once the view is found.
func (s *Session) refresh(rs *pg.RefreshMatViewStmt) (string, error) {
	if rs.SkipData {
		return "", sqlerr.Unsupported("REFRESH MATERIALIZED VIEW ... WITH NO DATA (a materialized view is always populated and maintained)")
	}
	name := rs.Relation.Relname
	t, err := s.e.cat.Current().Resolve(s.searchPath(), rs.Relation.Schemaname, name)
	if err != nil {
		return "", sqlerr.Newf(sqlerr.UndefinedTable, "relation %q does not exist", name)
	}
	if t.Kind != catalog.RelMaterializedView {
		// Postgres reports this one as 0A000.
		return "", sqlerr.Newf(sqlerr.FeatureNotSupported, "%q is not a materialized view", name)
	}
	return "REFRESH MATERIALIZED VIEW", nil
}
