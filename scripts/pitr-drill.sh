#!/bin/bash
# The point-in-time recovery drill of docs/deployment.md, on a private PostgreSQL 15 cluster
# (port 5499, under $D): archive WAL, base backup, work, an accidental DELETE, recovery to the
# moment before it. Run as root (the cluster runs as postgres) from the repository, after
# `make install`; it loads the demo city (about 2.5 minutes).
set -euxo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
D=${D:-/tmp/dangjian-pitr}
as_pg() { runuser -u postgres -- "$@"; }
as_pg $PGBIN/pg_ctl -D $D/data stop -m immediate 2>/dev/null || true
rm -rf $D; mkdir -p $D/archive; chown -R postgres:postgres $D; chmod 700 $D
as_pg $PGBIN/initdb -D $D/data -U postgres --auth=trust >/dev/null
cat >> $D/data/postgresql.conf <<CONF
port = 5499
listen_addresses = '127.0.0.1'
unix_socket_directories = '$D'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $D/archive/%f && cp %p $D/archive/%f'
archive_timeout = 60
CONF
as_pg $PGBIN/pg_ctl -D $D/data -l $D/server.log -w start
P="psql -h 127.0.0.1 -p 5499 -U postgres"
$P -qc "CREATE DATABASE dangjian"
cd "$(dirname "$0")/.."
export DATABASE_URL=postgres://postgres@127.0.0.1:5499/dangjian DANGJIAN_DEMO=1 DANGJIAN_VAR_DIR=$D/var
.venv/bin/dangjian migrate -v0
.venv/bin/dangjian demo > /dev/null
# 1. the base backup (weekly, say), WAL streamed with it
as_pg $PGBIN/pg_basebackup -h 127.0.0.1 -p 5499 -U postgres -D $D/base -Xstream -c fast
# 2. work goes on after the base backup
$P -d dangjian -qc "INSERT INTO core_workcalendarday (date, kind, name, created, updated) VALUES ('2027-01-01', 'holiday', '元旦', now(), now())"
$P -d dangjian -Atc "SELECT count(*) FROM orglife_attendance" > $D/before.txt
sleep 2
$P -d dangjian -Atc "SELECT now()" > $D/target_time.txt
sleep 2
# 3. the accident
$P -d dangjian -c "DELETE FROM orglife_attendance"
$P -d dangjian -Atc "SELECT pg_switch_wal()"
sleep 3
ls $D/archive
# 4. recover: stop, keep the damaged cluster aside, lay down the base backup, replay to the time
as_pg $PGBIN/pg_ctl -D $D/data -w stop -m fast
mv $D/data $D/data.damaged
cp -a $D/base $D/data
cat >> $D/data/postgresql.conf <<CONF
restore_command = 'cp $D/archive/%f %p'
recovery_target_time = '$(cat $D/target_time.txt)'
recovery_target_action = 'promote'
CONF
as_pg touch $D/data/recovery.signal
as_pg $PGBIN/pg_ctl -D $D/data -l $D/server-recovery.log -w start
for i in $(seq 30); do [ "$($P -d dangjian -Atc 'SELECT pg_is_in_recovery()')" = f ] && break; sleep 1; done
echo "before: $(cat $D/before.txt)  after recovery: $($P -d dangjian -Atc 'SELECT count(*) FROM orglife_attendance')"
$P -d dangjian -Atc "SELECT name FROM core_workcalendarday WHERE date = '2027-01-01'"
.venv/bin/dangjian audit verify --checkpoints /dev/null
grep -i "recovery stopping\|starting point-in-time\|redo done\|selected new timeline" $D/server-recovery.log
as_pg $PGBIN/pg_ctl -D $D/data -w stop -m fast
