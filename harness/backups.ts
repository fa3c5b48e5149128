// What the backup tests and the bench read of a backup directory: its manifest, the group's files,
// what redis-check-rdb says of a file, and how many keys a throwaway redis-server loads from it.
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { pollUntil } from "./poll";
import { parseInfo, withClient } from "./redisClient";

const run = promisify(execFile);

/** One entry of manifest.json, as the runner writes it. */
export interface ManifestEntry {
    file: string;
    group: string;
    kind: "scheduled" | "final" | "rollout";
    time: string;
    node: string;
    endpoint: string;
    host: string | null;
    bytes: number;
    keys: number;
    replId: string | null;
    replOffset: number | null;
    tookMs: number;
}

/** The manifest's entries of one group, oldest first; [] when there is none yet. */
export function manifestOf(dir: string, group: string): ManifestEntry[] {
    const file = path.join(dir, "manifest.json");
    if (!fs.existsSync(file)) return [];
    const { backups } = JSON.parse(fs.readFileSync(file, "utf8")) as { backups: ManifestEntry[] };
    return backups.filter((b) => b.group === group);
}

/** The group's backup files in dir, by name (which is time order). */
export function backupFiles(dir: string, group: string): string[] {
    if (!fs.existsSync(dir)) return [];
    const pattern = new RegExp(`^${group.replace(/[.]/g, "\\.")}-\\d{8}T\\d{6}Z-.+\\.rdb$`);
    return fs
        .readdirSync(dir)
        .filter((f) => pattern.test(f))
        .sort();
}

/** redis-check-rdb's verdict on a file, and the keys it read. */
export async function checkRdb(file: string): Promise<{ ok: boolean; keys: number; output: string }> {
    const out = await run("redis-check-rdb", [file]).then(
        (r) => ({ ok: true, output: r.stdout }),
        (err: { stdout?: string; message: string }) => ({ ok: false, output: err.stdout ?? err.message }),
    );
    return { ...out, ok: out.ok && out.output.includes("RDB looks OK"), keys: Number(/(\d+) keys read/.exec(out.output)?.[1] ?? NaN) };
}

/** Loads file in a throwaway redis-server (a unix socket, no port) and returns its DBSIZE; the server and its copy are removed. */
export async function keysLoaded(file: string): Promise<number> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rr-throwaway-"));
    fs.copyFileSync(file, path.join(dir, "dump.rdb"));
    const socket = path.join(dir, "redis.sock");
    const server: ChildProcess = spawn(
        "redis-server",
        ["--port", "0", "--unixsocket", socket, "--dir", dir, "--appendonly", "no", "--save", "", "--daemonize", "no"],
        { stdio: "ignore" },
    );
    try {
        return await pollUntil("the throwaway redis-server to load the file", 60_000, async () => {
            const out = await run("redis-cli", ["-s", socket, "dbsize"]).catch(() => undefined);
            const n = out && /^(\d+)$/.exec(out.stdout.trim());
            return n ? Number(n[1]) : undefined;
        });
    } finally {
        server.kill("SIGKILL");
        await new Promise((r) => (server.exitCode === null && server.signalCode === null ? server.once("exit", r) : r(undefined)));
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** INFO stats total_forks of a node, as the admin user. */
export function totalForks(port: number, admin: string, host = "127.0.0.1"): Promise<number> {
    return withClient(port, admin, async (c) => Number(parseInfo(await c.info("stats")).total_forks), { username: "admin", host });
}
