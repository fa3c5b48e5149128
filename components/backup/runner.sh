#!/bin/sh
# Backup runner of a RedisReplicationGroup: pulls an RDB from a replica (redis-cli --rdb), checks it
# with redis-check-rdb, keeps the newest BACKUP_KEEP per group and a manifest.json of all groups in
# BACKUP_DIR. Strict POSIX sh: it runs under busybox ash (FROM-scratch image) and dash.
#   sh runner.sh once scheduled|final|rollout   one backup now; prints the file's name
#   sh runner.sh schedule                        a backup at every epoch multiple of BACKUP_EVERY s
#   sh runner.sh health                          exit 1 if the last attempt failed (Docker healthcheck)
# Configuration: environment, after sourcing ${BACKUP_ENV:-/usr/local/etc/redis/backup.env} if present.
ENV_FILE=${BACKUP_ENV:-/usr/local/etc/redis/backup.env}
[ -f "$ENV_FILE" ] && . "$ENV_FILE"
export LC_ALL=C # glob and sort in byte order: name order is time order
umask 027       # backups and manifests 0640 without chmod (not in every image)
BACKUP_FROM=${BACKUP_FROM:-replica}
REDIS_CLI=${REDIS_CLI:-redis-cli}
REDIS_CHECK_RDB=${REDIS_CHECK_RDB:-redis-check-rdb}
GROUP_LOCK_WAIT=${BACKUP_LOCK_WAIT:-600} # seconds: a `once` exec waits out a running scheduled backup
MANIFEST_LOCK_WAIT=60
# Passed by environment, never on the command line (ps would show it).
[ -n "$BACKUP_PASSWORD" ] && export REDISCLI_AUTH="$BACKUP_PASSWORD"

die() { printf '%s\n' "$1" >&2; exit 2; }
isname() { case $1 in '' | *[!A-Za-z0-9_.-]*) return 1 ;; esac; }
isint() { case $1 in '' | 0* | *[!0-9]*) return 1 ;; esac; } # >= 1, and no leading 0: sh reads 010 as octal

isname "$BACKUP_GROUP" || die "BACKUP_GROUP: '$BACKUP_GROUP' is not a name of [A-Za-z0-9_.-]"
[ -n "$BACKUP_DIR" ] || die "BACKUP_DIR is not set"
STATUS="$BACKUP_DIR/.status-$BACKUP_GROUP"
MDIR="$BACKUP_DIR/.manifest.d"
# The timestamp of a name, so that group a never matches group a-b's files.
TS='[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z'

# One line for health and for the caller; exit 1.
fail() {
    printf 'failed %s\n' "$1" >"$STATUS.tmp" 2>/dev/null && mv -f "$STATUS.tmp" "$STATUS"
    printf '%s\n' "$1" >&2
    exit 1
}

# Start time (jiffies since boot) of a process, empty if it is gone: a PID alone is reused, e.g.
# PID 1 of the restarted container that left a lock behind on the volume.
proc_start() {
    _s=
    read -r _s 2>/dev/null <"/proc/$1/stat" || return 0
    set -- ${_s##*") "}
    shift 19
    echo "$1"
}

lock_stale() {
    if [ -s "$1/pid" ] && read -r _pid _start <"$1/pid"; then
        [ "$(proc_start "$_pid")" != "$_start" ]
    else # between mkdir and writing pid, or its holder died there
        _m=$(stat -c %Y "$1" 2>/dev/null) || return 1
        [ $(($(date +%s) - _m)) -gt 10 ]
    fi
}

# take_lock DIR SECONDS: mkdir is atomic; the holder's pid and start time go inside.
take_lock() {
    _deadline=$(($(date +%s) + $2))
    while ! mkdir "$1" 2>/dev/null; do
        if lock_stale "$1"; then
            rm -rf "$1"
            continue
        fi
        [ "$(date +%s)" -lt "$_deadline" ] || return 1
        sleep 0.2
    done
    printf '%s %s\n' "$ME_PID" "$ME_START" >"$1/pid"
}

# redis-cli HOST PORT ARGS...: as the backup user, with the TLS arguments if any. Only ever run in a
# subshell, $(...) or &: the exec makes $! redis-cli itself, which a TERM trap can then kill.
cli() {
    _h=$1 _p=$2
    shift 2
    exec "$REDIS_CLI" -h "$_h" -p "$_p" ${BACKUP_USER:+--user "$BACKUP_USER"} --no-auth-warning $BACKUP_TLS_ARGS "$@"
}

uptime_cs() {
    read -r _up _ </proc/uptime
    _f=${_up#*.}
    echo $((${_up%.*} * 100 + ${_f#0}))
}

# Sets SRC_NODE, SRC_HOST, SRC_PORT to the first usable source, or fails saying what each said.
choose_source() {
    _seen=
    for _src in $BACKUP_SOURCES; do
        case $_src in *=*:*) ;; *) fail "BACKUP_SOURCES: '$_src' is not node=host:port" ;; esac
        _node=${_src%%=*} _ep=${_src#*=}
        _host=${_ep%:*} _port=${_ep##*:}
        isname "$_node" && isname "$_host" && isint "$_port" || fail "BACKUP_SOURCES: '$_src' is not node=host:port"
        _out=$(cli "$_host" "$_port" ROLE 2>&1)
        _role=$(printf '%s\n' "$_out" | head -n 1)
        _state=$(printf '%s\n' "$_out" | sed -n 4p)
        case $_role:$BACKUP_FROM:$_state in
        slave:*:connected | master:master:*)
            SRC_NODE=$_node SRC_HOST=$_host SRC_PORT=$_port
            return 0
            ;;
        slave:*) _why="$_node ($_ep) is a replica in state $_state" ;; # it refuses SYNC until linked
        master:*) _why="$_node ($_ep) is master" ;;
        *) _why="$_node ($_ep): $(printf '%s' "${_out:-no answer}" | head -n 1 | sed 's/^Could not connect to Redis at [^ ]*: //')" ;;
        esac
        _seen="${_seen:+$_seen; }$_why"
    done
    [ "$BACKUP_FROM" = master ] && _what=node || _what=replica
    fail "no $_what to back up from: ${_seen:-BACKUP_SOURCES is empty}"
}

# manifest.json from every group's sidecar, under a lock shared by the groups in BACKUP_DIR.
write_manifest() {
    take_lock "$BACKUP_DIR/.lock-manifest" "$MANIFEST_LOCK_WAIT" || fail "manifest: lock $BACKUP_DIR/.lock-manifest held too long"
    MLOCK="$BACKUP_DIR/.lock-manifest"
    _sep=
    {
        printf '{"backups":['
        for _j in "$MDIR"/*.json; do
            [ -f "$_j" ] || continue
            printf '%s' "$_sep"
            cat "$_j"
            _sep=,
        done
        printf ']}\n'
    } >"$BACKUP_DIR/.manifest.json.tmp" && mv -f "$BACKUP_DIR/.manifest.json.tmp" "$BACKUP_DIR/manifest.json" ||
        fail "manifest: cannot write $BACKUP_DIR/manifest.json"
    rm -rf "$MLOCK"
    MLOCK=
}

cleanup() {
    [ -n "$IN_CLI" ] && kill "$!" 2>/dev/null
    [ -n "$PART" ] && rm -f "$PART" "$PART.log"
    [ -n "$MLOCK" ] && rm -rf "$MLOCK"
    [ -n "$GLOCK" ] && rm -rf "$GLOCK"
}

# One backup; also run in a subshell by `schedule`, so it reads its own pid from /proc/self.
run_once() {
    KIND=$1 IN_CLI= PART= MLOCK= GLOCK=
    read -r _self </proc/self/stat
    ME_PID=${_self%% *}
    ME_START=$(proc_start "$ME_PID")
    trap cleanup EXIT
    trap 'exit 143' TERM INT HUP
    case $KIND in scheduled | final | rollout) ;; *) fail "once: kind '$KIND' is not scheduled, final or rollout" ;; esac
    case $BACKUP_FROM in replica | master) ;; *) fail "BACKUP_FROM: '$BACKUP_FROM' is not replica or master" ;; esac
    isint "$BACKUP_KEEP" || fail "BACKUP_KEEP: '$BACKUP_KEEP' is not an integer >= 1"
    [ -z "$BACKUP_HOST" ] || isname "$BACKUP_HOST" || fail "BACKUP_HOST: '$BACKUP_HOST' is not a host name"
    if ! take_lock "$BACKUP_DIR/.lock-$BACKUP_GROUP" "$GROUP_LOCK_WAIT"; then
        _holder=$(cut -d' ' -f1 "$BACKUP_DIR/.lock-$BACKUP_GROUP/pid" 2>/dev/null)
        fail "lock $BACKUP_DIR/.lock-$BACKUP_GROUP held by another backup (pid ${_holder:-unknown}) for over $GROUP_LOCK_WAIT s"
    fi
    GLOCK="$BACKUP_DIR/.lock-$BACKUP_GROUP"
    rm -f "$BACKUP_DIR/.tmp-$BACKUP_GROUP-"$TS-* # left by a killed attempt; ours alone under the lock
    choose_source
    _who="$SRC_NODE ($SRC_HOST:$SRC_PORT)"
    # A timestamp no backup of the group has: name order stays time order.
    while :; do
        _ts=$(date -u +%Y%m%dT%H%M%SZ)
        set -- "$BACKUP_DIR/$BACKUP_GROUP-$_ts-"*.rdb
        [ -e "$1" ] || break
        sleep 1
    done
    NAME="$BACKUP_GROUP-$_ts-$SRC_NODE.rdb"
    PART="$BACKUP_DIR/.tmp-$NAME"
    _t0=$(uptime_cs)
    # In the background so a TERM is handled at once, not after the transfer. The trap kills $!
    # (set before IN_CLI=1 could be), so no redis-cli outlives us.
    IN_CLI=1
    cli "$SRC_HOST" "$SRC_PORT" --rdb "$PART" >"$PART.log" 2>&1 &
    wait "$!"
    _rc=$?
    IN_CLI=
    _took=$((($(uptime_cs) - _t0) * 10))
    [ "$_rc" -eq 0 ] || fail "backup from $_who: redis-cli --rdb failed: $(grep . "$PART.log" | tail -n 1)"
    _check=$("$REDIS_CHECK_RDB" "$PART" 2>&1)
    _rc=$?
    if [ "$_rc" -ne 0 ] || ! printf '%s\n' "$_check" | grep -q 'RDB looks OK'; then
        _last=$(printf '%s\n' "$_check" | grep . | grep -v -e '^\[info\]' -e '^\[additional info\]' -e '^---' | tail -n 1)
        fail "backup from $_who: redis-check-rdb failed: ${_last:-$(printf '%s\n' "$_check" | grep . | tail -n 1)}"
    fi
    _keys=$(printf '%s\n' "$_check" | sed -n 's/^\[info\] \([0-9]*\) keys read$/\1/p')
    _replid=$(printf '%s\n' "$_check" | sed -n "s/.*AUX FIELD repl-id = '\([0-9a-f]*\)'.*/\1/p")
    _reploff=$(printf '%s\n' "$_check" | sed -n "s/.*AUX FIELD repl-offset = '\(-\{0,1\}[0-9][0-9]*\)'.*/\1/p")
    mv -f "$PART" "$BACKUP_DIR/$NAME" || fail "backup from $_who: cannot rename $PART"
    rm -f "$PART.log"
    PART=
    _bytes=$(($(wc -c <"$BACKUP_DIR/$NAME")))
    _iso=$(printf '%s\n' "$_ts" | sed 's/^\(....\)\(..\)\(..\)T\(..\)\(..\)\(..\)Z$/\1-\2-\3T\4:\5:\6Z/')
    _hostj=null _replidj=null
    [ -n "$BACKUP_HOST" ] && _hostj="\"$BACKUP_HOST\""
    [ -n "$_replid" ] && _replidj="\"$_replid\""
    printf '{"file":"%s","group":"%s","kind":"%s","time":"%s","node":"%s","endpoint":"%s:%s","host":%s,"bytes":%s,"keys":%s,"replId":%s,"replOffset":%s,"tookMs":%s}' \
        "$NAME" "$BACKUP_GROUP" "$KIND" "$_iso" "$SRC_NODE" "$SRC_HOST" "$SRC_PORT" \
        "$_hostj" "$_bytes" "${_keys:-0}" "$_replidj" "${_reploff:-null}" "$_took" \
        >"$MDIR/.tmp-$NAME.json" && mv -f "$MDIR/.tmp-$NAME.json" "$MDIR/$NAME.json" ||
        fail "backup from $_who: cannot write $MDIR/$NAME.json"
    # Retention, only now that the new backup passed.
    set -- "$BACKUP_DIR/$BACKUP_GROUP"-$TS-*.rdb
    _drop=$(($# - BACKUP_KEEP))
    _old=
    while [ "$_drop" -gt 0 ] && [ -e "$1" ]; do
        rm -f "$MDIR/${1##*/}.json"
        _old="$_old ${1##*/}"
        shift
        _drop=$((_drop - 1))
    done
    write_manifest
    # After the manifest, so it never lists a missing file. Names are [A-Za-z0-9_.-] (checked above).
    for _f in $_old; do rm -f "$BACKUP_DIR/$_f"; done
    printf 'ok %s\n' "$NAME" >"$STATUS.tmp" && mv -f "$STATUS.tmp" "$STATUS"
    printf '%s\n' "$NAME"
}

schedule() {
    isint "$BACKUP_EVERY" || die "BACKUP_EVERY: '$BACKUP_EVERY' is not an integer >= 1"
    # PID 1 of its container: stop at once, even while sleeping or backing up. $! is the sleep or the
    # backup (which cleans up after itself), even if the signal comes before `wait`.
    trap 'kill "$!" 2>/dev/null; exit 0' TERM INT
    while :; do
        _now=$(date +%s)
        sleep $(((_now / BACKUP_EVERY + 1) * BACKUP_EVERY - _now)) &
        wait "$!"
        (run_once scheduled) >/dev/null 2>&1 &
        wait "$!"
        _rc=$?
        _line=
        [ -f "$STATUS" ] && read -r _line <"$STATUS"
        if [ "$_rc" -eq 0 ]; then
            echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup ok: ${_line#ok }"
        else
            case $_line in failed*) ;; *) _line="failed exit $_rc" ;; esac
            echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) backup failed: ${_line#failed }"
        fi
    done
}

# Fail early and clearly: a read-only volume would otherwise show as a lock timeout.
writable() {
    mkdir -p "$MDIR" 2>/dev/null && : >"$BACKUP_DIR/.probe-$$" 2>/dev/null && rm -f "$BACKUP_DIR/.probe-$$" ||
        die "backup dir $BACKUP_DIR is not writable"
}

case $1 in
once) writable && run_once "$2" ;;
schedule) writable && schedule ;;
health)
    _line=
    [ -f "$STATUS" ] && read -r _line <"$STATUS"
    case $_line in failed*) echo "last backup of $BACKUP_GROUP failed: ${_line#failed }" && exit 1 ;; esac
    exit 0
    ;;
*) die "usage: runner.sh once scheduled|final|rollout | schedule | health" ;;
esac
