// Checks a Redis RDB backup on the deploying machine before anything is created, so a restore the
// image could not load (wrong format, newer Redis, damaged copy) fails at preview, not after the
// master has started empty. Dependency-free and synchronous: it runs in the component's constructor.
import * as fs from "fs";

/** What the file says of itself. */
export interface RdbFacts {
    /** RDB format version from the header ("REDIS0010" → 10). */
    version: number;
    /** The AUX fields at the start of the file (redis-ver, redis-bits, ctime, used-mem, repl-id, repl-offset, aof-base, ...), string values (integer-encoded ones as decimal text). */
    aux: Record<string, string>;
    /** File size in bytes. */
    bytes: number;
}

/** Bytes per fs.readSync: a 100 MB+ backup streams through the checksum in this much memory. */
const CHUNK_BYTES = 1 << 20;

/** "REDIS" and four digits. */
const HEADER_BYTES = 9;

/** Redis checks a trailing checksum only from RDB version 5 on (rdbLoadRioWithLoadingCtx in src/rdb.c). */
const FIRST_CHECKSUMMED_VERSION = 5;

const OPCODE_AUX = 0xfa;
const OPCODE_EOF = 0xff;

/**
 * The newest RDB version each Redis release writes (and so the newest it reads), from
 * `#define RDB_VERSION` in redis/redis src/rdb.h at tags 4.0.0 … 7.4.0 (read from the repo).
 * 8.0–8.4 keep 12 (8.4.0 adds no type code past 7.4's 25); 8.6 writes 13 (redis/librdb#93,
 * jwhitbeck/java-rdb-parser#20) and 8.8 writes 14 (redis/librdb#101).
 */
const RDB_VERSION_OF_REDIS: Record<string, number> = {
    "4.0": 8,
    "5.0": 9,
    "6.0": 9,
    "6.2": 9,
    "7.0": 10,
    "7.2": 11,
    "7.4": 12,
    "8.0": 12,
    "8.2": 12,
    "8.4": 12,
    "8.6": 13,
    "8.8": 14,
};

/** The newest RDB format version a Redis "major.minor" (a patch part is ignored) writes and reads, or undefined when unknown. */
export function rdbVersionOf(redisMajorMinor: string): number | undefined {
    const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(redisMajorMinor.trim());
    if (!m) return undefined;
    return RDB_VERSION_OF_REDIS[`${Number(m[1])}.${Number(m[2])}`];
}

/** The Redis "major.minor" an image reference names by its tag, e.g. "redis:7.2.5-alpine" → "7.2", or undefined (no tag, "latest", "7"). */
export function redisVersionOfImage(image: string): string | undefined {
    const ref = image.trim().split("@")[0] ?? "";
    // The tag's colon comes after the last slash; an earlier one is a registry's port.
    const colon = ref.indexOf(":", ref.lastIndexOf("/") + 1);
    if (colon < 0) return undefined;
    const m = /^v?(\d+)\.(\d+)(?:$|[.\-_+])/.exec(ref.slice(colon + 1));
    return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/**
 * Problems with the file, each a predicate to follow its name (the caller prefixes the property
 * path and file, e.g. `restoreFrom ./dump.rdb` + ` does not exist`), or [] when fine. Reads the
 * whole file once, in 1 MiB chunks, to verify the checksum. Synchronous.
 */
export function rdbProblems(file: string, opts: { maxVersion?: number }): { facts?: RdbFacts; problems: string[] } {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch (err) {
        return { problems: [unreadable(err)] };
    }
    if (!stat.isFile()) return { problems: [stat.isDirectory() ? "is not a file: it is a directory" : "is not a file"] };

    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (err) {
        return { problems: [unreadable(err)] };
    }
    try {
        return inspect(fd, stat.size, opts);
    } catch (err) {
        return { problems: [unreadable(err)] };
    } finally {
        fs.closeSync(fd);
    }
}

function inspect(fd: number, size: number, opts: { maxVersion?: number }): { facts?: RdbFacts; problems: string[] } {
    const head = Buffer.alloc(Math.min(size, CHUNK_BYTES));
    readFully(fd, head, head.length, 0);

    const magic = head.toString("latin1", 0, HEADER_BYTES);
    if (!/^REDIS\d{4}$/.test(magic)) {
        // Valkey 9 writes its own magic, which no Redis loads; worth naming, it looks like an RDB.
        const hint = /^VALKEY\d{3}$/.test(magic) ? ` (it starts with ${magic}: Valkey's own format, which Redis cannot load)` : "";
        return { problems: [`is not an RDB file: it does not start with REDIS<version>${hint}`] };
    }
    const version = Number(magic.slice(5));
    const { aux, damage } = readAux(head, size);
    const facts: RdbFacts = { version, aux, bytes: size };

    const problems: string[] = [];
    if (opts.maxVersion !== undefined && version > opts.maxVersion) {
        problems.push(`is from a newer Redis (RDB version ${version}) than the image's (at most ${opts.maxVersion})`);
    }
    // A broken end explains a broken header too, so the header's damage is named only alone.
    const integrity = version >= FIRST_CHECKSUMMED_VERSION ? checksumProblem(fd, head, size) : eofProblem(fd, size);
    if (integrity !== undefined) problems.push(integrity);
    else if (damage !== undefined) problems.push(`is truncated or damaged: ${damage}`);
    return { facts, problems };
}

/** Files before RDB version 5 end with the EOF opcode and no checksum. */
function eofProblem(fd: number, size: number): string | undefined {
    if (size <= HEADER_BYTES) return "is truncated or damaged: it ends right after its header";
    const last = Buffer.alloc(1);
    readFully(fd, last, 1, size - 1);
    return last[0] === OPCODE_EOF ? undefined : "is truncated or damaged: it does not end with the RDB end marker (0xFF)";
}

/** The EOF opcode, then the CRC-64 of everything before the checksum, little-endian (rdbSaveRio in src/rdb.c). */
function checksumProblem(fd: number, head: Buffer, size: number): string | undefined {
    const covered = size - 8;
    if (covered <= HEADER_BYTES) return "is truncated or damaged: it ends before its end marker and checksum";
    const tail = Buffer.alloc(9);
    readFully(fd, tail, 9, covered - 1);
    if (tail[0] !== OPCODE_EOF) return "is truncated or damaged: there is no RDB end marker (0xFF) before its checksum";
    const stored = { hi: tail.readUInt32LE(5), lo: tail.readUInt32LE(1) };
    // Saved with `rdbchecksum no`: Redis loads it unchecked, and so do we.
    if (stored.hi === 0 && stored.lo === 0) return undefined;

    const crc = { hi: 0, lo: 0 };
    crcUpdate(crc, head, Math.min(head.length, covered));
    const chunk = Buffer.alloc(CHUNK_BYTES);
    for (let at = head.length; at < covered; at += CHUNK_BYTES) {
        const n = Math.min(CHUNK_BYTES, covered - at);
        readFully(fd, chunk, n, at);
        crcUpdate(crc, chunk, n);
    }
    if (crc.hi === stored.hi && crc.lo === stored.lo) return undefined;
    return `is truncated or damaged: its contents do not match the CRC-64 checksum it ends with (stored ${hex64(stored)}, computed ${hex64(crc)})`;
}

/** Reads n bytes at position into buf, or throws when the file ends first (it shrank since stat). */
function readFully(fd: number, buf: Buffer, n: number, position: number): void {
    let got = 0;
    while (got < n) {
        const read = fs.readSync(fd, buf, got, n - got, position + got);
        if (read === 0) throw new Error("it got shorter while being read");
        got += read;
    }
}

function unreadable(err: unknown): string {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "does not exist";
    if (code === "EACCES" || code === "EPERM") return "cannot be read: permission denied";
    return `cannot be read: ${err instanceof Error ? err.message : String(err)}`;
}

// ---- AUX fields

/** The file ran out inside a field. */
class OutOfBytes extends Error {}
/** A field no Redis writes. */
class Damaged extends Error {}

interface Cursor {
    bytes: Buffer;
    at: number;
}

/**
 * The AUX fields after the header, up to the first other opcode. Only the first chunk is parsed:
 * AUX fields are a few hundred bytes, so running out there means the file itself ends (damage)
 * only when the chunk is the whole file.
 */
function readAux(head: Buffer, size: number): { aux: Record<string, string>; damage?: string } {
    const aux: Record<string, string> = {};
    const c: Cursor = { bytes: head, at: HEADER_BYTES };
    try {
        while (c.at < head.length && head[c.at] === OPCODE_AUX) {
            c.at++;
            const key = readString(c);
            aux[key] = readString(c);
        }
        if (c.at >= head.length && head.length === size) return { aux, damage: "it ends inside its AUX fields" };
        return { aux };
    } catch (err) {
        if (err instanceof OutOfBytes) return head.length === size ? { aux, damage: "it ends inside its AUX fields" } : { aux };
        if (err instanceof Damaged) return { aux, damage: `an AUX field cannot be read: ${err.message}` };
        throw err;
    }
}

function byte(c: Cursor): number {
    const b = c.bytes[c.at];
    if (b === undefined) throw new OutOfBytes();
    c.at++;
    return b;
}

function take(c: Cursor, n: number): Buffer {
    if (c.at + n > c.bytes.length) throw new OutOfBytes();
    c.at += n;
    return c.bytes.subarray(c.at - n, c.at);
}

/** A length, or (encoded) a special encoding's number. Prefixes 00/01/10/11 as in src/rdb.h. */
function readLength(c: Cursor): { len: number; encoded: boolean } {
    const b = byte(c);
    switch (b >> 6) {
        case 0:
            return { len: b & 0x3f, encoded: false };
        case 1:
            return { len: ((b & 0x3f) << 8) | byte(c), encoded: false };
        case 3:
            return { len: b & 0x3f, encoded: true };
    }
    if (b === 0x80) return { len: take(c, 4).readUInt32BE(0), encoded: false };
    if (b === 0x81) {
        const len = take(c, 8).readBigUInt64BE(0);
        if (len > BigInt(Number.MAX_SAFE_INTEGER)) throw new Damaged(`a length of ${len} bytes`);
        return { len: Number(len), encoded: false };
    }
    throw new Damaged(`unknown length prefix 0x${b.toString(16)}`);
}

function readString(c: Cursor): string {
    const { len, encoded } = readLength(c);
    if (!encoded) return take(c, len).toString("utf8");
    switch (len) {
        case 0:
            return String(take(c, 1).readInt8(0));
        case 1:
            return String(take(c, 2).readInt16LE(0));
        case 2:
            return String(take(c, 4).readInt32LE(0));
        case 3: {
            const compressed = readLength(c);
            const plain = readLength(c);
            if (compressed.encoded || plain.encoded) throw new Damaged("an encoded length inside an LZF string");
            return lzfDecompress(take(c, compressed.len), plain.len).toString("utf8");
        }
    }
    throw new Damaged(`unknown string encoding ${len}`);
}

/** LZF (liblzf, as src/lzf_d.c): literal runs (ctrl < 32) and back references into the output. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer {
    const out = Buffer.alloc(outLen);
    let ip = 0;
    let op = 0;
    while (ip < input.length) {
        const ctrl = input[ip++]!;
        if (ctrl < 32) {
            const run = ctrl + 1;
            if (op + run > outLen || ip + run > input.length) throw new Damaged("an LZF literal runs past its string");
            out.set(input.subarray(ip, ip + run), op);
            ip += run;
            op += run;
            continue;
        }
        let len = ctrl >> 5;
        if (len === 7) len += input[ip++] ?? 0;
        const low = input[ip++];
        if (low === undefined) throw new Damaged("an LZF back reference is cut off");
        let ref = op - ((ctrl & 0x1f) << 8) - 1 - low;
        len += 2;
        if (ref < 0 || op + len > outLen) throw new Damaged("an LZF back reference points outside its string");
        // Byte by byte: source and destination may overlap (a run).
        while (len-- > 0) out[op++] = out[ref++]!;
    }
    if (op !== outLen) throw new Damaged(`an LZF string gives ${op} bytes, not the ${outLen} it declares`);
    return out;
}

// ---- CRC-64/Jones, as Redis's src/crc64.c: poly 0xad93d23594c935a9, reflected in and out, init 0,
// no final xor; crc64(0, "123456789") = 0xe9c6d914c4b8d9ca. A reflected table takes the poly
// bit-reversed (0x95ac9329ac4bc9b5). Halves in two Uint32Arrays keep the loop on 32-bit ints:
// BigInt per byte would be far too slow for a 100 MB file.
const CRC_POLY_REFLECTED = { hi: 0x95ac9329, lo: 0xac4bc9b5 };
const CRC_TABLE = crcTable();

function crcTable(): { hi: Uint32Array; lo: Uint32Array } {
    const hi = new Uint32Array(256);
    const lo = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
        let h = 0;
        let l = i;
        for (let bit = 0; bit < 8; bit++) {
            const odd = l & 1;
            l = (l >>> 1) | (h << 31);
            h >>>= 1;
            if (odd) {
                h ^= CRC_POLY_REFLECTED.hi;
                l ^= CRC_POLY_REFLECTED.lo;
            }
        }
        hi[i] = h;
        lo[i] = l;
    }
    return { hi, lo };
}

/** Feeds bytes[0, end) into a running CRC-64 kept as unsigned 32-bit halves. */
function crcUpdate(crc: { hi: number; lo: number }, bytes: Uint8Array, end: number): void {
    const tHi = CRC_TABLE.hi;
    const tLo = CRC_TABLE.lo;
    let hi = crc.hi;
    let lo = crc.lo;
    for (let i = 0; i < end; i++) {
        const t = (lo ^ bytes[i]!) & 0xff;
        lo = ((lo >>> 8) | (hi << 24)) ^ tLo[t]!;
        hi = (hi >>> 8) ^ tHi[t]!;
    }
    crc.hi = hi >>> 0;
    crc.lo = lo >>> 0;
}

/** Redis's CRC-64 of bytes, continuing from crc (0n to start). */
export function crc64(bytes: Uint8Array, crc = 0n): bigint {
    const state = { hi: Number(crc >> 32n), lo: Number(crc & 0xffffffffn) };
    crcUpdate(state, bytes, bytes.length);
    return (BigInt(state.hi) << 32n) | BigInt(state.lo);
}

function hex64(crc: { hi: number; lo: number }): string {
    return `0x${crc.hi.toString(16).padStart(8, "0")}${crc.lo.toString(16).padStart(8, "0")}`;
}
