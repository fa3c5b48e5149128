// The RDB reader behind restoreFrom, on files built byte by byte here and on one real file saved by
// redis-server 7.0.15 (tests/fixtures/redis-7.0.15.rdb: keys greeting=hello and n=42). No Redis runs.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { crc64, lzfDecompress, rdbProblems, rdbVersionOf, redisVersionOfImage } from "../../components/restore/rdbFile";

const REAL_RDB = path.join(__dirname, "..", "fixtures", "redis-7.0.15.rdb");

/** A string as RDB writes it: a length (6-bit, 14-bit or 32-bit form), then the bytes. */
function rdbString(bytes: Buffer): Buffer {
    let len: Buffer;
    if (bytes.length < 64) len = Buffer.from([bytes.length]);
    else if (bytes.length < 16384) len = Buffer.from([0x40 | (bytes.length >> 8), bytes.length & 0xff]);
    else {
        len = Buffer.alloc(5);
        len[0] = 0x80;
        len.writeUInt32BE(bytes.length, 1);
    }
    return Buffer.concat([len, bytes]);
}

const aux = (key: string, value: Buffer) => Buffer.concat([Buffer.from([0xfa]), rdbString(Buffer.from(key)), value]);

/** The 8-byte little-endian trailer of a body. */
function crcTrailer(body: Buffer): Buffer {
    const out = Buffer.alloc(8);
    out.writeBigUInt64LE(crc64(body));
    return out;
}

/**
 * An RDB file as redis-server lays it out: header, AUX fields (plain, int8, int16, int32), SELECTDB 0,
 * RESIZEDB 1 0, one string key, EOF, then the CRC-64 of all that, little-endian.
 */
function buildRdb(
    opts: { version?: string; value?: Buffer; auxFields?: Buffer[]; zeroChecksum?: boolean; noChecksum?: boolean } = {},
): Buffer {
    const body = Buffer.concat([
        Buffer.from(`REDIS${opts.version ?? "0010"}`),
        ...(opts.auxFields ?? [
            aux("redis-ver", rdbString(Buffer.from("7.0.15"))),
            aux("redis-bits", Buffer.from([0xc0, 64])),
            aux("repl-offset", Buffer.from([0xc1, 0xe8, 0x03])),
            aux("ctime", Buffer.from([0xc2, 0x00, 0x59, 0x16, 0x6b])),
            aux("aof-base", Buffer.from([0xc0, 0xff])),
        ]),
        Buffer.from([0xfe, 0x00, 0xfb, 0x01, 0x00]),
        Buffer.from([0x00]),
        rdbString(Buffer.from("k")),
        rdbString(opts.value ?? Buffer.from("v")),
        Buffer.from([0xff]),
    ]);
    if (opts.noChecksum) return body;
    return Buffer.concat([body, opts.zeroChecksum ? Buffer.alloc(8) : crcTrailer(body)]);
}

/** Redis's bit-at-a-time _crc64 (src/crc64.c), in BigInt: slow, but independent of the table. */
function referenceCrc64(bytes: Uint8Array): bigint {
    const poly = 0xad93d23594c935a9n;
    const mask = (1n << 64n) - 1n;
    let crc = 0n;
    for (const c of bytes) {
        for (let i = 1; i < 0x100; i <<= 1) {
            let bit = (crc & (1n << 63n)) !== 0n;
            if (c & i) bit = !bit;
            crc = (crc << 1n) & mask;
            if (bit) crc ^= poly;
        }
    }
    let reflected = 0n;
    for (let i = 0n; i < 64n; i++) if (crc & (1n << i)) reflected |= 1n << (63n - i);
    return reflected;
}

describe("rdbFile", () => {
    let dir: string;
    const write = (name: string, bytes: Buffer) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, bytes);
        return file;
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rdbFile-"));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("crc64", () => {
        it("gives Redis's test vector: crc64(0, '123456789') = 0xe9c6d914c4b8d9ca", () => {
            assert.strictEqual(crc64(Buffer.from("123456789")), 0xe9c6d914c4b8d9can);
        });

        it("agrees with Redis's bit-at-a-time algorithm on arbitrary bytes", () => {
            const bytes = Buffer.from(Array.from({ length: 777 }, (_, i) => (i * 2654435761) >>> 24));
            assert.strictEqual(crc64(bytes), referenceCrc64(bytes));
        });

        it("continues across chunks as if over the whole", () => {
            const bytes = Buffer.from("Lorem ipsum dolor sit amet, consectetur adipiscing elit");
            assert.strictEqual(crc64(bytes.subarray(20), crc64(bytes.subarray(0, 20))), crc64(bytes));
        });
    });

    describe("rdbProblems", () => {
        it("accepts a file redis-server 7.0.15 saved, and reads its version and AUX fields", () => {
            const { facts, problems } = rdbProblems(REAL_RDB, { maxVersion: 10 });
            assert.deepStrictEqual(problems, []);
            assert.strictEqual(facts?.version, 10);
            assert.strictEqual(facts.bytes, fs.statSync(REAL_RDB).size);
            assert.deepStrictEqual(
                { ver: facts.aux["redis-ver"], bits: facts.aux["redis-bits"], aofBase: facts.aux["aof-base"] },
                { ver: "7.0.15", bits: "64", aofBase: "0" },
            );
            assert.match(facts.aux.ctime ?? "", /^\d{10}$/);
            assert.match(facts.aux["used-mem"] ?? "", /^\d+$/);
        });

        it("accepts a hand-built file, with int8, int16 and int32 AUX values as decimal text", () => {
            const file = write("good.rdb", buildRdb());
            assert.deepStrictEqual(rdbProblems(file, { maxVersion: 10 }), {
                facts: {
                    version: 10,
                    aux: { "redis-ver": "7.0.15", "redis-bits": "64", "repl-offset": "1000", ctime: "1796626688", "aof-base": "-1" },
                    bytes: fs.statSync(file).size,
                },
                problems: [],
            });
        });

        it("decompresses an LZF AUX value (bytes as redis-server 7.0.15 compressed them)", () => {
            // 0xC3, compressed length 26, plain length 72 (14-bit form), then the LZF stream.
            const lzf = Buffer.concat([
                Buffer.from([0xc3, 0x1a, 0x40, 0x48, 0x12]),
                Buffer.from("redis-replication r"),
                Buffer.from([0xe0, 0x2a, 0x11, 0x01, 0x6e, 0x20]),
            ]);
            const file = write("lzf.rdb", buildRdb({ auxFields: [aux("note", lzf), aux("redis-bits", Buffer.from([0xc0, 64]))] }));
            const { facts, problems } = rdbProblems(file, {});
            assert.deepStrictEqual(problems, []);
            assert.deepStrictEqual(facts?.aux, { note: "redis-replication ".repeat(4), "redis-bits": "64" });
        });

        it("decompresses LZF runs that overlap their own output, and rejects a wrong declared length", () => {
            assert.strictEqual(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 10).toString(), "a".repeat(10));
            assert.throws(() => lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 11), /gives 10 bytes, not the 11/);
            assert.throws(() => lzfDecompress(Buffer.from([0x20, 0x05]), 4), /outside its string/);
        });

        it("says a missing file does not exist", () => {
            assert.deepStrictEqual(rdbProblems(path.join(dir, "nope.rdb"), {}), { problems: ["does not exist"] });
            assert.deepStrictEqual(rdbProblems(path.join(dir, "nope", "dump.rdb"), {}), { problems: ["does not exist"] });
        });

        it("says a directory is not a file", () => {
            assert.deepStrictEqual(rdbProblems(dir, {}), { problems: ["is not a file: it is a directory"] });
        });

        it("says a text file, an empty file and a Valkey 9 file are not RDB files", () => {
            const notRdb = "is not an RDB file: it does not start with REDIS<version>";
            assert.deepStrictEqual(rdbProblems(write("notes.txt", Buffer.from("restore me from the backup\n")), {}), {
                problems: [notRdb],
            });
            assert.deepStrictEqual(rdbProblems(write("empty.rdb", Buffer.alloc(0)), {}), { problems: [notRdb] });
            assert.deepStrictEqual(rdbProblems(write("REDIS.txt", Buffer.from("REDIS 7.2")), {}), { problems: [notRdb] });
            assert.deepStrictEqual(rdbProblems(write("valkey.rdb", Buffer.concat([Buffer.from("VALKEY080"), Buffer.alloc(20)])), {}), {
                problems: [`${notRdb} (it starts with VALKEY080: Valkey's own format, which Redis cannot load)`],
            });
        });

        it("names a file from a newer Redis than the image's, and still checks the rest", () => {
            const file = write("v11.rdb", buildRdb({ version: "0011" }));
            const { facts, problems } = rdbProblems(file, { maxVersion: 10 });
            assert.strictEqual(facts?.version, 11);
            assert.deepStrictEqual(problems, ["is from a newer Redis (RDB version 11) than the image's (at most 10)"]);
            assert.deepStrictEqual(rdbProblems(file, { maxVersion: 11 }).problems, []);
            assert.deepStrictEqual(rdbProblems(file, {}).problems, [], "no maxVersion: no version check");
        });

        it("finds a byte flipped in the middle by its checksum, and keeps the facts", () => {
            const bytes = fs.readFileSync(REAL_RDB);
            const middle = Math.floor(bytes.length / 2);
            bytes[middle] = bytes[middle]! ^ 0x01;
            const { facts, problems } = rdbProblems(write("flipped.rdb", bytes), { maxVersion: 10 });
            assert.strictEqual(facts?.aux["redis-ver"], "7.0.15");
            assert.strictEqual(problems.length, 1);
            assert.match(
                problems[0]!,
                /^is truncated or damaged: its contents do not match the CRC-64 checksum it ends with \(stored 0x[0-9a-f]{16}, computed 0x[0-9a-f]{16}\)$/,
            );
        });

        it("finds a file cut short, wherever it was cut", () => {
            const bytes = fs.readFileSync(REAL_RDB);
            const cutAt = (n: number) => rdbProblems(write(`cut-${n}.rdb`, bytes.subarray(0, n)), { maxVersion: 10 }).problems;
            assert.deepStrictEqual(cutAt(bytes.length - 20), [
                "is truncated or damaged: there is no RDB end marker (0xFF) before its checksum",
            ]);
            assert.deepStrictEqual(cutAt(bytes.length - 1).length, 1);
            assert.match(cutAt(bytes.length - 1)[0]!, /^is truncated or damaged: /);
            assert.deepStrictEqual(cutAt(20), ["is truncated or damaged: there is no RDB end marker (0xFF) before its checksum"]);
            assert.deepStrictEqual(cutAt(12), ["is truncated or damaged: it ends before its end marker and checksum"]);
            assert.deepStrictEqual(cutAt(9), ["is truncated or damaged: it ends before its end marker and checksum"]);
        });

        it("accepts a stored checksum of 0 (saved with rdbchecksum no), as Redis does", () => {
            const file = write("nochecksum.rdb", buildRdb({ zeroChecksum: true }));
            assert.deepStrictEqual(rdbProblems(file, { maxVersion: 10 }).problems, []);
        });

        it("checks only the end marker of a file older than RDB version 5, which has no checksum", () => {
            assert.deepStrictEqual(
                rdbProblems(write("v4.rdb", buildRdb({ version: "0004", noChecksum: true, auxFields: [] })), {}).problems,
                [],
            );
            const cut = buildRdb({ version: "0004", noChecksum: true, auxFields: [] }).subarray(0, 14);
            assert.deepStrictEqual(rdbProblems(write("v4-cut.rdb", cut), {}).problems, [
                "is truncated or damaged: it does not end with the RDB end marker (0xFF)",
            ]);
        });

        it("names an AUX field no Redis writes, when the checksum is right", () => {
            const file = write("badaux.rdb", buildRdb({ auxFields: [aux("redis-ver", Buffer.from([0xc5]))] }));
            assert.deepStrictEqual(rdbProblems(file, {}).problems, [
                "is truncated or damaged: an AUX field cannot be read: unknown string encoding 5",
            ]);
        });

        it("checksums a file of several 1 MiB chunks, and finds a flip past the first", () => {
            const value = Buffer.alloc(2.5 * 1024 * 1024, "x");
            const good = buildRdb({ value });
            assert.deepStrictEqual(rdbProblems(write("big.rdb", good), { maxVersion: 10 }).problems, []);
            const bad = Buffer.from(good);
            bad[good.length - 100] = 0x79;
            assert.match(
                rdbProblems(write("big-flipped.rdb", bad), { maxVersion: 10 }).problems[0] ?? "",
                /do not match the CRC-64 checksum/,
            );
        });
    });

    describe("rdbVersionOf", () => {
        it("maps a Redis major.minor to the newest RDB version it writes", () => {
            const table: [string, number | undefined][] = [
                ["5.0", 9],
                ["6.0", 9],
                ["6.2", 9],
                ["7.0", 10],
                ["7.2", 11],
                ["7.4", 12],
                ["8.0", 12],
                ["8.2", 12],
                ["8.4", 12],
                ["8.6", 13],
                ["7.2.5", 11],
                ["9.9", undefined],
                ["7", undefined],
                ["latest", undefined],
                ["", undefined],
            ];
            assert.deepStrictEqual(
                table.map(([v]) => [v, rdbVersionOf(v)]),
                table,
            );
        });

        it("lets the real 7.0 file through a 7.0 image and stops it at a 6.2 one", () => {
            assert.deepStrictEqual(rdbProblems(REAL_RDB, { maxVersion: rdbVersionOf("7.0") }).problems, []);
            assert.deepStrictEqual(rdbProblems(REAL_RDB, { maxVersion: rdbVersionOf("6.2") }).problems, [
                "is from a newer Redis (RDB version 10) than the image's (at most 9)",
            ]);
        });
    });

    describe("redisVersionOfImage", () => {
        it("reads major.minor from the image's tag", () => {
            const table: [string, string | undefined][] = [
                ["redis:7.2.5-alpine", "7.2"],
                ["redis:7.0", "7.0"],
                ["redis-replication-test/base:7.0", "7.0"],
                ["docker.io/library/redis:8.0.2", "8.0"],
                ["localhost:5000/team/redis:7.4-bookworm", "7.4"],
                ["redis:6.2@sha256:0123abcd", "6.2"],
                ["bitnami/redis:v7.2.4-debian-12-r0", "7.2"],
                ["redis:latest", undefined],
                ["redis", undefined],
                ["localhost:5000/redis", undefined],
                ["redis:7", undefined],
                ["redis:alpine", undefined],
            ];
            assert.deepStrictEqual(
                table.map(([image]) => [image, redisVersionOfImage(image)]),
                table,
            );
        });
    });
});
