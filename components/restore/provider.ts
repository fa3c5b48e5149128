// The restore seed's dynamic provider: before the master's container first starts, the file goes
// into its data directory, judged first by the image's own redis-check-rdb. With AOF on, Redis
// ignores a lone dump.rdb and starts empty (measured on 7.0.15), so the file goes in as the AOF's
// base (a manifest naming an RDB base is Redis 7's own layout) and AOF stays on from the start.
//
// Serialization (see docs/development.md#serialized-providers).
import type * as pulumi from "@pulumi/pulumi";
import { lastLine, runOnce } from "../dockerRun";
import { newId } from "../redisOps/providerParts";
import type { DataLayout, RestoredKeys, RestoreSeedInputs, RestoreSeedOutputs } from "./types";

/** A large file may take minutes to copy and check. */
const SEED_TIMEOUT_MS = 30 * 60 * 1000;
/** The runner's exit code when the data directory is not empty. */
const NOT_EMPTY = 3;

/** The one-off container's script: refuse a data directory that holds data, check the file, then place it. */
function seedScript(layout: DataLayout): string {
    const src = "/restore/source.rdb";
    const aofDir = `/data/${layout.appenddirname}`;
    const base = `${layout.appendfilename}.1.base.rdb`;
    const place = layout.appendonly
        ? `mkdir -p ${aofDir} && cp ${src} ${aofDir}/${base}.tmp && mv ${aofDir}/${base}.tmp ${aofDir}/${base} && ` +
          `printf 'file ${base} seq 1 type b\\n' > ${aofDir}/${layout.appendfilename}.manifest`
        : `cp ${src} /data/${layout.dbfilename}.tmp && mv /data/${layout.dbfilename}.tmp /data/${layout.dbfilename}`;
    return [
        `if [ -e ${aofDir} ] || [ -e /data/${layout.dbfilename} ]; then echo "it already holds data ($(ls -A /data | tr '\\n' ' '))" >&2; exit ${NOT_EMPTY}; fi`,
        `redis-check-rdb ${src} || exit 1`,
        place,
    ].join("\n");
}

/** The counts redis-check-rdb prints: "[info] N keys read", "[info] N expires", "[info] N already expired". */
function countsOf(output: string, file: string): RestoredKeys {
    const count = (what: string) => Number(new RegExp(`\\[info\\] (\\d+) ${what}`).exec(output)?.[1] ?? NaN);
    return { file, keys: count("keys read"), expires: count("expires"), alreadyExpired: count("already expired") };
}

async function seed(inputs: RestoreSeedInputs): Promise<RestoredKeys> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require("fs") as typeof import("fs");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tar = require("tar-stream") as typeof import("tar-stream");
    const pack = tar.pack();
    const owner = { uid: 999, gid: 999 };
    pack.entry({ name: "restore", type: "directory", mode: 0o700, ...owner });
    const entry = pack.entry({ name: "restore/source.rdb", size: fs.statSync(inputs.file).size, mode: 0o600, ...owner }, (err) =>
        err ? pack.destroy(err) : pack.finalize(),
    );
    fs.createReadStream(inputs.file).pipe(entry);
    const target = inputs.target.volume ?? inputs.target.hostPath!;
    const res = await runOnce(inputs.docker, {
        image: inputs.image,
        user: "999:999",
        binds: [`${target}:/data`],
        cmd: ["sh", "-c", seedScript(inputs.layout)],
        labels: inputs.labels,
        files: pack,
        filesAt: "/",
        timeoutMs: SEED_TIMEOUT_MS,
    });
    const where = `restoreFrom: ${inputs.file}`;
    if (res.exitCode === NOT_EMPTY) {
        throw new Error(
            `${where}: the master's data directory (${target}) ${lastLine(res.stderr)}; restore into a new group, or remove that data first`,
        );
    }
    if (res.exitCode !== 0) {
        throw new Error(`${where}: the image's redis-check-rdb refused it: ${lastLine(res.stdout + "\n" + res.stderr)}`);
    }
    const counts = countsOf(res.stdout, inputs.file);
    if (Number.isNaN(counts.keys)) throw new Error(`${where}: redis-check-rdb did not say how many keys it read: ${lastLine(res.stdout)}`);
    return counts;
}

export const restoreSeedProvider: pulumi.dynamic.ResourceProvider<RestoreSeedInputs, RestoreSeedOutputs> = {
    async diff(_id, olds, news) {
        // Only restoreFrom as written: a newer "latest" backup later on changes nothing.
        return { changes: olds.spec !== news.spec };
    },
    async create(inputs) {
        return { id: newId("restore"), outs: { ...inputs, restored: await seed(inputs) } };
    },
    async update(_id, olds, news) {
        // The preflight refuses a new restoreFrom for a running group before anything changes.
        return { outs: { ...news, file: olds.file, restored: olds.restored } };
    },
    async delete() {
        // The data is the master's now.
    },
};
