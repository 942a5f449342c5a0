package catalog

// The relations below belong to features Freshet does not have (comments,
// inheritance and partitioning, row security, extended statistics,
// publications, rules, triggers, extensions, sequences, foreign tables,
// dependency tracking). They exist, with Postgres 15's columns, so that the
// clients that query them get an empty answer instead of an error.

func pgDescription() systemTable {
	return catalogTable(2609, "pg_description", `objoid oid, classoid oid, objsubid int4, description text`, nil)
}

func pgShdescription() systemTable {
	return catalogTable(2396, "pg_shdescription", `objoid oid, classoid oid, description text`, nil)
}

func pgInherits() systemTable {
	return catalogTable(2611, "pg_inherits", `inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool`, nil)
}

func pgPartitionedTable() systemTable {
	return catalogTable(3350, "pg_partitioned_table", `
		partrelid oid, partstrat char, partnatts int2, partdefid oid, partattrs int2[], partclass oid[],
		partcollation oid[], partexprs text`, nil)
}

func pgPolicy() systemTable {
	return catalogTable(3256, "pg_policy", `
		oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles oid[], polqual text,
		polwithcheck text`, nil)
}

func pgStatisticExt() systemTable {
	return catalogTable(3381, "pg_statistic_ext", `
		oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4, stxkeys
		int2[], stxkind char[], stxexprs text`, nil)
}

func pgPublication() systemTable {
	return catalogTable(6104, "pg_publication", `
		oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool, pubdelete
		bool, pubtruncate bool, pubviaroot bool`, nil)
}

func pgPublicationNamespace() systemTable {
	return catalogTable(6237, "pg_publication_namespace", `oid oid, pnpubid oid, pnnspid oid`, nil)
}

func pgPublicationRel() systemTable {
	return catalogTable(6106, "pg_publication_rel", `oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]`, nil)
}

func pgRewrite() systemTable {
	return catalogTable(2618, "pg_rewrite", `
		oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool, ev_qual text,
		ev_action text`, nil)
}

func pgTrigger() systemTable {
	return catalogTable(2620, "pg_trigger", `
		oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char,
		tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool,
		tginitdeferred bool, tgnargs int2, tgattr int2[], tgargs bytea, tgqual text, tgoldtable name,
		tgnewtable name`, nil)
}

func pgEventTrigger() systemTable {
	return catalogTable(3466, "pg_event_trigger", `
		oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled char, evttags text[]`, nil)
}

func pgExtension() systemTable {
	return catalogTable(3079, "pg_extension", `
		oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool, extversion text,
		extconfig oid[], extcondition text[]`, nil)
}

func pgSequence() systemTable {
	return catalogTable(2224, "pg_sequence", `
		seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8, seqcache
		int8, seqcycle bool`, nil)
}

func pgDepend() systemTable {
	return catalogTable(2608, "pg_depend", `
		classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype char`, nil)
}
