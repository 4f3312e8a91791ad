#!/usr/bin/env bash
# Builds the project on Apache Spark (dbt-spark, method: session, local PySpark) and on DuckDB from
# the same copy of the code, then compares the tables row by row. A manual check, not part of CI.
#
#   scripts/spark_check.sh              # venv in /tmp/sparkvenv, Spark copy in /tmp/sparkproj
#
# Needs Python 3.11 and Java 17 (PySpark 3.5). Nothing in the repo is written: the Spark venv,
# the copies of the project and both warehouses live under /tmp. See docs/spark.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
SPARK_VENV="${SPARK_VENV:-/tmp/sparkvenv}"
PROJ="${SPARK_PROJECT_DIR:-/tmp/sparkproj}"
WORK="${SPARK_CHECK_DIR:-/tmp/sparkcheck}"
# Default landing: the Segment fixtures plus the enrichment fixtures (catalog, competitor files and
# their events under segment/web_enrichment), combined under $WORK/landing.
LANDING="${CDP_LANDING_DIR:-}"
# every model: staging, identity, enrichment and marts (the catalog snapshot is stood in for, below)
PARTS=(models seeds tests/dbt)
command -v java >/dev/null || { echo "error: java not found (PySpark 3.5 needs Java 8, 11 or 17)" >&2; exit 1; }
T0=$(date +%s)
step() { echo; echo "==> $* ($(( $(date +%s) - T0 ))s)"; }

step "Spark virtual environment in $SPARK_VENV"
if [ ! -x "$SPARK_VENV/bin/dbt" ]; then
  "$PYTHON" -m venv "$SPARK_VENV"
  "$SPARK_VENV/bin/pip" install --quiet "dbt-core==1.11.16" "dbt-spark[session]==1.11.0" "pyspark>=3.5,<3.6" 2>&1 \
    | grep -v '^WARNING: Location' || true
fi
"$SPARK_VENV/bin/pip" list 2>/dev/null | grep -iE '^(dbt-core|dbt-spark|pyspark) '

# copy_project DIR: the checked parts of the project (and its macros) into DIR, fresh.
copy_project() {
  rm -rf "$1" && mkdir -p "$1"
  cp "$ROOT/dbt_project.yml" "$1/"
  cp -r "$ROOT/macros" "$1/"
  for part in "${PARTS[@]}"; do mkdir -p "$1/$(dirname "$part")" && cp -r "$ROOT/$part" "$1/$part"; done
  # dbt-spark snapshots need Delta, Hudi or Iceberg tables (MERGE), which a local PySpark without
  # extra jars lacks: both copies use a table model with the snapshot's columns as of a first load.
  mkdir -p "$1/models/spark_check"
  cat > "$1/models/spark_check/snap_catalog__products.sql" <<'SQL'
{# Written by scripts/spark_check.sh: stands in for the snapshot of the same name (a first load). #}
{{ config(materialized='table', schema='snapshots') }}
select
    current_products.*,
    {{ dbt.concat(['product_id', "'|'", dbt.safe_cast('valid_from', dbt.type_string())]) }} as dbt_scd_id,
    valid_from as dbt_updated_at,
    valid_from as dbt_valid_from,
    cast(null as {{ dbt.type_timestamp() }}) as dbt_valid_to
from {{ ref('int_catalog__products_current') }} as current_products
SQL
}
mkdir -p "$WORK"
if [ -z "$LANDING" ]; then
  LANDING="$WORK/landing"
  rm -rf "$LANDING" && mkdir -p "$LANDING"
  cp -r "$ROOT/tests/fixtures/landing/segment" "$LANDING/segment"
  cp -r "$ROOT/tests/fixtures/enrichment/landing/segment/web" "$LANDING/segment/web_enrichment"
  cp -r "$ROOT/tests/fixtures/enrichment/landing/catalog" "$ROOT/tests/fixtures/enrichment/landing/competitors" "$LANDING/"
  # privacy requests: a delete through an e-mail of the fixtures and a suppress lifted again
  mkdir -p "$LANDING/privacy"
  printf '%s\n' 'request_id,request_type,identifier_type,identifier_value,requested_at' \
    'req-1,delete,email,Jane.Doe@Example.com ,2024-03-01T00:00:00Z' \
    'req-2,suppress,user_id,u_1,2024-03-01T00:00:00Z' 'req-3,unsuppress,user_id,u_1,2024-03-02T00:00:00Z' \
    > "$LANDING/privacy/requests.csv"
fi
# the identity build time is pinned so that both engines stamp the same profile ids
VARS="{cdp__landing_dir: $LANDING, cdp__identity_build_time: '2024-06-01 00:00:00'}"

step "Copies of the project: $PROJ (Spark) and $WORK/duckproj (DuckDB), taken at the same moment"
DUCKPROJ="$WORK/duckproj"
copy_project "$PROJ"
mkdir -p "$PROJ/models/spark_check"
cat > "$PROJ/models/spark_check/check_cross_db_macros.sql" <<'SQL'
{#
    Written by scripts/spark_check.sh into its copies of the project: the cross-db macros applied
    to awkward inputs, built on both engines and compared row by row like the real tables.
#}
{{ config(materialized='table', schema='spark_check') }}

{%- set inputs = [
    '2024', '2024-03', '2024-03-10', '2024-03-10T14:58:00Z', '2024-03-10T14:58:00.123+02:00',
    '2024-03-10T14:58:00+0200', '2024-03-10 14:58:00 UTC', '2024-02-30T00:00:00Z', '10/03/2024', '1710000000',
    '2.5', '2.7', '-2.5', '3.5', ' 12 ', '1e3', '1e20', '12abc', '1,5', '1.00005', '0.123456', '.5',
    '{"a":1}{"b":2}', '{"a":1} xyz', '{"a":1}]', '[1] 2', '{"a":"x"}', '{"a":{"b":1}}', 'null', '"x"',
    "{'a':1}", '{"a":1, "b": [1, 2]}', '{"a":"it\'s"}',
    ' a  b ', 'tab\there', '1-2 3-4', '',
] -%}

with cases as (
    {%- for value in inputs %}
    {%- if target.type in ('spark', 'databricks') %}
        {%- set literal = "'" ~ (value | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'" %}
    {%- else %}
        {%- set literal = "'" ~ (value | replace("'", "''")) ~ "'" %}
    {%- endif %}
    select {{ loop.index }} as case_id, {{ literal }} as input
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
)

select
    case_id,
    input,
    {{ cdp_parse_timestamp('input') }} as parsed_timestamp,
    {{ cdp_to_decimal('input') }} as as_decimal,
    {{ cdp_to_integer('input') }} as as_integer,
    {{ cdp_is_valid_json('input') }} as is_valid_json,
    case when {{ cdp_is_valid_json('input') }} then {{ cdp_json_extract_string('input', '$.a') }} end as json_a,
    {{ cdp_regexp_replace_all('input', '\\s', '') }} as without_whitespace,
    {{ cdp_regexp_replace_all('input', '^[[:space:]]+|[[:space:]]+$', '') }} as trimmed_posix,
    {{ cdp_regexp_replace_all('input', '([0-9])-([0-9])', '\\2-\\1') }} as digits_swapped
from cases
SQL
rm -rf "$DUCKPROJ" && cp -r "$PROJ" "$DUCKPROJ" && cp "$ROOT/profiles.yml" "$DUCKPROJ/"
cat > "$PROJ/profiles.yml" <<YAML
cdp:
  target: spark_session
  outputs:
    spark_session:
      type: spark
      method: session
      host: NA
      schema: cdp
      threads: 1
      server_side_parameters:
        spark.master: "local[2]"
        spark.driver.memory: ${SPARK_DRIVER_MEMORY:-2g}
        spark.sql.session.timeZone: UTC
        spark.sql.warehouse.dir: $PROJ/spark-warehouse
        spark.hadoop.javax.jdo.option.ConnectionURL: "jdbc:derby:;databaseName=$PROJ/metastore_db;create=true"
        spark.sql.shuffle.partitions: "4"
        spark.ui.enabled: "false"
        # CTAS without a file_format makes Parquet tables, not Hive text-serde tables
        spark.sql.legacy.createHiveTableByDefault: "false"
YAML
# The file sources: the tables made by create_landed_lines_table instead of read_csv.
"$SPARK_VENV/bin/python" - "$PROJ"/models/staging/*/_*__sources.yml <<'PY'
import sys, yaml
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    for source in doc['sources']:
        source['schema'] = 'cdp'
        for table in source['tables']:
            table['identifier'] = table['name']
            table.get('config', {}).pop('external_location', None)
    yaml.safe_dump(doc, open(path, 'w'), sort_keys=False)
PY
# Seed column_types: Spark has no bare varchar (it needs a length); see docs/spark.md.
"$SPARK_VENV/bin/python" - "$PROJ"/seeds/*.yml <<'PY'
import sys, yaml
portable = "{{ 'string' if target.type in ('spark', 'databricks') else 'varchar' }}"
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path)) or {}
    for seed in doc.get('seeds') or []:
        types = (seed.get('config') or {}).get('column_types') or {}
        for column, kind in types.items():
            if str(kind).strip().lower() == 'varchar':
                types[column] = portable
    yaml.safe_dump(doc, open(path, 'w'), sort_keys=False)
PY
mkdir -p "$PROJ/macros/spark_check"
cat > "$PROJ/macros/spark_check/create_landed_lines_table.sql" <<'SQL'
{#
    Spark only (written by scripts/spark_check.sh into its copy of the project): the landed-lines
    source as a view over a `text` table that reads every file below <landing_dir>/segment/
    (recursively; .gz decompressed by extension), with the file path from input_file_name().
    dbt run-operation create_landed_lines_table --args '{landing_dir: /abs/path/to/landing}'
#}
{% macro create_landed_lines_table(landing_dir=none, schema='cdp') %}
    {%- set landing_dir = landing_dir or var('cdp__landing_dir') -%}
    {%- set statements = [
        "create database if not exists " ~ schema,
        "drop view if exists " ~ schema ~ ".landed_lines",
        "drop table if exists " ~ schema ~ ".landed_lines_text",
        "create table " ~ schema ~ ".landed_lines_text (value string) using text options ("
            ~ "path '" ~ landing_dir ~ "/segment', recursiveFileLookup 'true', pathGlobFilter '*.*json*')",
        "create view " ~ schema ~ ".landed_lines as select input_file_name() as filename,"
            ~ " nullif(value, '') as raw_line from " ~ schema ~ ".landed_lines_text",
    ] -%}
    {#- the catalog and competitor CSVs: a csv table per file set, and a view adding the file path -#}
    {%- set csv_sources = [
        ('products', 'catalog', 'products*.csv', 'product_id, sku, gtin, name, brand, category_path, list_price, unit_cost, currency, price_tier, inventory_status, valid_from'),
        ('price_observations', 'competitors', 'price_observations*.csv', 'competitor, listing_key, gtin, sku, price_text, list_price_text, currency, in_stock, rating, review_count, observed_at, listing_url'),
        ('bestseller_ranks', 'competitors', 'bestseller_ranks*.csv', 'competitor, category, rank, listing_key, observed_at'),
        ('trending_searches', 'competitors', 'trending_searches*.csv', 'competitor, category, rank, search_term, observed_at'),
        ('requests', 'privacy', 'requests*.csv', 'request_id, request_type, identifier_type, identifier_value, requested_at'),
    ] -%}
    {%- for name, folder, glob, columns in csv_sources -%}
        {%- set typed = columns.split(', ') | map('trim') | join(' string, ') ~ ' string' -%}
        {%- do statements.extend([
            "drop view if exists " ~ schema ~ "." ~ name,
            "drop table if exists " ~ schema ~ "." ~ name ~ "_csv",
            "create table " ~ schema ~ "." ~ name ~ "_csv (" ~ typed ~ ") using csv options (path '" ~ landing_dir
                ~ "/" ~ folder ~ "', recursiveFileLookup 'true', pathGlobFilter '" ~ glob ~ "', header 'true', mode 'PERMISSIVE')",
            "create view " ~ schema ~ "." ~ name ~ " as select *, input_file_name() as filename from " ~ schema ~ "." ~ name ~ "_csv",
        ]) -%}
    {%- endfor -%}
    {%- for statement in statements -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- set counted = run_query("select count(*) as n, count(distinct filename) as files from " ~ schema ~ ".landed_lines") -%}
    {{ log("landed_lines: " ~ counted.columns[0].values()[0] ~ " lines in " ~ counted.columns[1].values()[0] ~ " files", info=true) }}
{% endmacro %}
SQL
cat > "$PROJ/macros/spark_check/spark_seed_loading.sql" <<'SQL'
{#
    Spark (written by scripts/spark_check.sh into its copy of the project): dbt-spark 1.11's seed
    loader, with the values rendered as escaped SQL literals. With method: session, dbt-spark
    pastes each value between single quotes unescaped, so a value holding ' fails to parse, a
    backslash is eaten (regex ^\s*$ would load as ^s*$) and an empty cell loads as the text 'None'.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
SQL
cat > "$WORK/compare.py" <<'PY'
"""Dump the built tables of one engine to JSON, or diff the two dumps (scripts/spark_check.sh)."""
import datetime as dt, decimal, json, sys

TABLES = {  # table -> primary key
    'staging.stg_segment__landed_lines': 'line_id',
    'staging.stg_segment__messages': 'message_key',
    'staging.stg_segment__product_lines': 'product_line_key',
    'intermediate.int_segment_messages_checked': 'message_key',
    'intermediate.int_events_deduplicated': 'event_id',
    'intermediate.int_orders_completed': 'order_key',
    'marts.fct_events': 'event_id',
    'marts.fct_orders': 'order_id',
    'marts.fct_order_items': 'order_item_id',
    'marts.quarantined_events': 'message_key',
    'marts.data_quality_summary': 'summary_row_id',
    'spark_check.check_cross_db_macros': 'case_id',
    'seeds.identity_rules': 'identifier_type',
    'seeds.identity_blocked_values': None,  # no key: compared as sets of rows
}
SUMMARY = [
    ('landed lines', 'select count(*) from staging.stg_segment__landed_lines'),
    ('messages', 'select count(*) from staging.stg_segment__messages'),
    ('product lines', 'select count(*) from staging.stg_segment__product_lines'),
    ('fct_events rows', 'select count(*) from marts.fct_events'),
    ('fct_events min/max event_at', 'select min(event_at), max(event_at) from marts.fct_events'),
    ('fct_orders rows', 'select count(*) from marts.fct_orders'),
    ('fct_orders sum(revenue)', 'select sum(revenue) from marts.fct_orders'),
    ('fct_orders sum(total)', 'select sum(total) from marts.fct_orders'),
    ('fct_orders refunded / cancelled', 'select sum(case when is_refunded then 1 else 0 end), sum(case when is_cancelled then 1 else 0 end) from marts.fct_orders'),
    ('fct_order_items rows, sum(line_amount)', 'select count(*), sum(line_amount) from marts.fct_order_items'),
    ('outcomes', "select outcome, count(*) from intermediate.int_segment_messages_checked group by outcome order by outcome"),
    ('quarantined_events by reason', 'select quarantine_reason, count(*) from marts.quarantined_events group by quarantine_reason order by quarantine_reason'),
]


def norm(v):
    if isinstance(v, decimal.Decimal):
        return format(v.normalize(), 'f')
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat(sep=' ') if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, float):
        return repr(round(v, 9))
    return v


def dump(engine, out, db=None):
    if engine == 'spark':
        from pyspark.sql import SparkSession
        conf = json.loads(sys.argv[4])
        b = SparkSession.builder.enableHiveSupport()
        for k, v in conf.items():
            b = b.config(k, v)
        spark = b.getOrCreate()
        def run(sql):
            df = spark.sql(sql)
            return [c for c in df.columns], [list(r) for r in df.collect()]
    else:
        import duckdb
        con = duckdb.connect(db, read_only=True)
        def run(sql):
            cur = con.execute(sql)
            return [d[0] for d in cur.description], [list(r) for r in cur.fetchall()]
    result = {'summary': {}, 'tables': {}}
    for label, sql in SUMMARY:
        result['summary'][label] = [[norm(v) for v in r] for r in run(sql)[1]]
    for table in TABLES:
        cols, rows = run(f'select * from {table}')
        result['tables'][table] = {'columns': cols, 'rows': [[norm(v) for v in r] for r in rows]}
    json.dump(result, open(out, 'w'), default=str)


def diff(spark_path, duck_path):
    s, d = json.load(open(spark_path)), json.load(open(duck_path))
    ok = True
    print(f"{'value':42} {'spark':>28} {'duckdb':>28}")
    for label, _ in SUMMARY:
        sv, dv = s['summary'][label], d['summary'][label]
        mark = '' if sv == dv else '   <-- DIFFERENT'
        ok &= sv == dv
        if len(sv) == 1:
            sv, dv = ', '.join(map(str, sv[0])), ', '.join(map(str, dv[0]))
            print(f'{label:42} {sv:>28} {dv:>28}{mark}')
        else:
            print(f'{label}{mark}')
            keys = sorted({r[0] or '' for r in s['summary'][label] + d['summary'][label]})
            sm = {r[0] or '': r[1] for r in s['summary'][label]}
            dm = {r[0] or '': r[1] for r in d['summary'][label]}
            for k in keys:
                print(f'  {k:40} {str(sm.get(k, "-")):>28} {str(dm.get(k, "-")):>28}')
    print('\nrow-by-row comparison (every column, matched on the primary key):')
    for table, key in TABLES.items():
        st, dt_ = s['tables'][table], d['tables'][table]
        scols, dcols = st['columns'], dt_['columns']
        common = [c for c in scols if c in dcols]
        only = sorted(set(scols) ^ set(dcols))
        def keyed(rows, cols):
            if key:
                return {r[cols.index(key)]: dict(zip(cols, r)) for r in rows}
            return {json.dumps([r[cols.index(c)] for c in common]): dict(zip(cols, r)) for r in rows}
        if table.startswith('seeds.'):
            # dbt-spark loads a seed cell holding the text null as NULL, dbt-duckdb as 'null' (docs/spark.md)
            for rows in (st['rows'], dt_['rows']):
                rows[:] = [[None if v == 'null' else v for v in r] for r in rows]
        srows, drows = keyed(st['rows'], scols), keyed(dt_['rows'], dcols)
        missing = sorted(set(drows) - set(srows), key=str)
        extra = sorted(set(srows) - set(drows), key=str)
        col_diffs = {}
        for k in set(srows) & set(drows):
            for c in common:
                if srows[k][c] != drows[k][c]:
                    col_diffs.setdefault(c, []).append((k, srows[k][c], drows[k][c]))
        good = not (missing or extra or col_diffs or only)
        ok &= good
        print(f"  {table:45} {len(srows):>4} spark / {len(drows):>4} duckdb rows: {'identical' if good else 'DIFFERENT'}")
        if only:
            print(f'      columns on one engine only: {only}')
        if missing or extra:
            print(f'      keys only on duckdb: {missing[:5]}  only on spark: {extra[:5]}')
        for c, examples in sorted(col_diffs.items()):
            k, sv, dv = examples[0]
            print(f'      {c}: {len(examples)} rows differ, e.g. {k}: spark={sv!r} duckdb={dv!r}')
    print('\nRESULT:', 'Spark and DuckDB agree' if ok else 'differences found (see above)')
    return ok


if __name__ == '__main__':
    if sys.argv[1] == 'dump':
        dump(sys.argv[2], sys.argv[3], db=sys.argv[4] if sys.argv[2] == 'duckdb' else None)
    else:
        sys.exit(0 if diff(sys.argv[2], sys.argv[3]) else 1)
PY

cd "$PROJ"
export DBT_PROFILES_DIR="$PROJ"
step "Spark: create the landed-lines table over $LANDING/segment"
T=$(date +%s)
"$SPARK_VENV/bin/dbt" run-operation create_landed_lines_table --target spark_session --vars "$VARS" \
  > "$WORK/spark_run_operation.log" 2>&1 || { tail -40 "$WORK/spark_run_operation.log"; exit 1; }
grep -a "landed_lines:" "$WORK/spark_run_operation.log" | sed 's/.*landed_lines/landed_lines/' || true
SPARK_TABLE_SECONDS=$(( $(date +%s) - T ))

step "Spark: dbt build (log: $WORK/spark_build.log)"
T=$(date +%s)
SPARK_OK=1
"$SPARK_VENV/bin/dbt" build --target spark_session --vars "$VARS" > "$WORK/spark_build.log" 2>&1 || SPARK_OK=0
SPARK_BUILD_SECONDS=$(( $(date +%s) - T ))
sed 's/\x1b\[[0-9;]*m//g' "$WORK/spark_build.log" | grep -aE '[0-9]+ of [0-9]+ (ERROR|FAIL|WARN)|Done\. ' || true
[ "$SPARK_OK" = 1 ] || grep -a -A20 'Completed with' "$WORK/spark_build.log" | sed 's/\x1b\[[0-9;]*m//g' | head -60 || true
unset DBT_PROFILES_DIR

step "DuckDB: the same code built with the project's own environment (log: $WORK/duck_build.log)"
rm -f "$WORK/duck.duckdb" "$WORK/duck.duckdb.wal"
T=$(date +%s)
DUCK_OK=1
(
  source "$ROOT/scripts/_env.sh"
  cd "$DUCKPROJ"
  export DBT_PROFILES_DIR="$DUCKPROJ" CDP_DUCKDB_PATH="$WORK/duck.duckdb"
  dbt build --vars "$VARS"
) > "$WORK/duck_build.log" 2>&1 || DUCK_OK=0
DUCK_BUILD_SECONDS=$(( $(date +%s) - T ))
sed 's/\x1b\[[0-9;]*m//g' "$WORK/duck_build.log" | grep -aE '[0-9]+ of [0-9]+ (ERROR|FAIL|WARN)|Done\. ' || true

step "Compare Spark and DuckDB"
SPARK_CONF=$(printf '{"spark.master": "local[2]", "spark.sql.session.timeZone": "UTC", "spark.ui.enabled": "false", "spark.sql.warehouse.dir": "%s/spark-warehouse", "spark.hadoop.javax.jdo.option.ConnectionURL": "jdbc:derby:;databaseName=%s/metastore_db;create=true"}' "$PROJ" "$PROJ")
(cd "$PROJ" && "$SPARK_VENV/bin/python" "$WORK/compare.py" dump spark "$WORK/spark_values.json" "$SPARK_CONF") \
  > "$WORK/spark_dump.log" 2>&1 || { tail -30 "$WORK/spark_dump.log"; exit 1; }
"$ROOT/.venv/bin/python" "$WORK/compare.py" dump duckdb "$WORK/duck_values.json" "$WORK/duck.duckdb"
SAME=1
"$ROOT/.venv/bin/python" "$WORK/compare.py" diff "$WORK/spark_values.json" "$WORK/duck_values.json" || SAME=0

echo
echo "Spark landed-lines table ${SPARK_TABLE_SECONDS}s, Spark dbt build ${SPARK_BUILD_SECONDS}s, DuckDB dbt build ${DUCK_BUILD_SECONDS}s, total $(( $(date +%s) - T0 ))s"
echo "Spark build: $([ "$SPARK_OK" = 1 ] && echo passed || echo FAILED)   DuckDB build: $([ "$DUCK_OK" = 1 ] && echo passed || echo FAILED)   values: $([ "$SAME" = 1 ] && echo identical || echo DIFFERENT)"
[ "$SPARK_OK" = 1 ] && [ "$DUCK_OK" = 1 ] && [ "$SAME" = 1 ]
