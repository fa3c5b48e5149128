// What tests/ and bench/ share of the local Docker engine and the repository: the one client,
// the label on everything they create, the repository root, and the engine's availability.
import * as path from "path";
import Docker from "dockerode";

/** Label key on everything the Docker tier and the bench create; its value tells the runs apart. */
export const TEST_LABEL = "redis-replication.test";

/** Repository root (index.ts, docker/Dockerfile and the stack files live under it). */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Type tokens of dynamic resources start with this. */
export const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";

let client: Docker | undefined;

/** One Docker client for the process (DOCKER_HOST or the default socket). */
export function dockerClient(): Docker {
    client ??= new Docker();
    return client;
}

/** Docker's HTTP status of a failed call (404: no such object), if it has one. */
export function statusCode(err: unknown): number | undefined {
    return (err as { statusCode?: number }).statusCode;
}

/** Awaits a removal, treating "no such object" (404) as done. */
export async function removeIfPresent(removal: Promise<unknown>): Promise<void> {
    try {
        await removal;
    } catch (err) {
        if (statusCode(err) !== 404) throw err;
    }
}

/** Why no Docker engine answers, or undefined when one does. */
export async function dockerUnavailableReason(timeoutMs = 3000, engine: Docker = dockerClient()): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
        await Promise.race([
            engine.ping(),
            new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
            }),
        ]);
        return undefined;
    } catch (err) {
        return `no Docker engine answers (${(err as Error).message})`;
    } finally {
        clearTimeout(timer);
    }
}

/** A container's log, stdout and stderr, the last `tail` lines (all when unset), as text; on `engine` (default the one client). */
export async function containerLog(name: string, tail?: number, engine: Docker = dockerClient()): Promise<string> {
    const opts = { stdout: true, stderr: true, ...(tail === undefined ? {} : { tail }) };
    const buf = (await engine.getContainer(name).logs(opts)) as unknown as Buffer;
    // Strip the 8-byte multiplexing headers of non-TTY logs.
    const out: string[] = [];
    for (let i = 0; i + 8 <= buf.length;) {
        const len = buf.readUInt32BE(i + 4);
        out.push(buf.subarray(i + 8, i + 8 + len).toString("utf8"));
        i += 8 + len;
    }
    return out.join("");
}

/** What a Redis or Sentinel log says about roles, links and failovers: the lines that tell who followed whom, when. */
const ROLE_EVENT =
    /MASTER MODE|REPLICAOF|Connecting to MASTER|MASTER <-> REPLICA sync: (Finished|Master accepted)|Full resync|Partial resynchronization (accepted|not)|Discarding previously|Ready to accept|DB loaded|ready to exit|[+-](switch-master|sdown|odown|failover|try-failover|elected-leader|selected-slave|promoted-slave|convert-to-slave|slave-reconf|reset-master|config-update)/;

/** The role events in the logs of every container whose name starts with `prefix`, time-ordered per container; for a failure's message. */
export async function roleEvents(prefix: string, perContainer = 40, engine: Docker = dockerClient()): Promise<string> {
    const names = (await engine.listContainers({ all: true, filters: { name: [prefix] } })).map((c) => c.Names[0]!.slice(1)).sort();
    const parts = await Promise.all(
        names.map(async (name) => {
            const lines = (await containerLog(name).catch((err: Error) => err.message)).split("\n").filter((l) => ROLE_EVENT.test(l));
            return [`${name}:`, ...lines.slice(-perContainer).map((l) => `  ${l.replace(/\(user request from .*\)/, "")}`)].join("\n");
        }),
    );
    return parts.join("\n");
}
