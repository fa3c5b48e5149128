// One dockerd per simulated host, run inside the host's network namespace and detached from the
// Node process, so that a test may exit while it runs and teardown finds it again by its flags.
import * as fs from "fs";
import { spawn } from "child_process";
import type Docker from "dockerode";
import { dockerEngine } from "../../components/dockerEngine";
import { dockerUnavailableReason } from "../docker";
import { pollUntil, StopPolling } from "../poll";
import { cgroupParentOf, enginePaths, hostNumber, SimHost } from "./layout";
import { nsenterArgs } from "./net";

const ANSWER_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 45_000; // dockerd gives its containers 15 s by default, then stops containerd

/** dockerd's flags: every path, pool and namespace its own, so that the daemons don't collide. */
export function dockerdArgs(host: SimHost): string[] {
    const p = enginePaths(host);
    const n = hostNumber(host);
    // prettier-ignore
    return [
        "--data-root", p.dataRoot,
        "--exec-root", p.execRoot,
        "-H", host.dockerHost,
        "--pidfile", p.pidfile,
        "--config-file", p.config, // not /etc/docker/daemon.json, which is the main engine's
        "--containerd-namespace", host.netns,
        "--containerd-plugins-namespace", `${host.netns}-plugins`,
        "--cgroup-parent", `/${cgroupParentOf(host)}`,
        "--bip", `172.30.${n}.1/24`,
        "--default-address-pool", `base=10.24${n}.0.0/16,size=24`, // apart from 10.231.0.0/24
    ];
}

/** A dockerode client of the host's engine. */
export function simHostClient(host: SimHost): Docker {
    return dockerEngine(host.dockerHost);
}

/** Whether the process runs (a zombie does not). */
export function alive(pid: number): boolean {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
        return false;
    }
}

/** Pids of the host's running dockerd, found by its flags rather than a pidfile that may be stale. */
export function dockerdPids(host: SimHost): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        let argv: string[];
        try {
            argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
        } catch {
            continue; // gone meanwhile
        }
        if (argv[0]?.endsWith("dockerd") && argv.includes(host.dockerHost) && alive(Number(entry))) pids.push(Number(entry));
    }
    return pids;
}

/** The last lines of the host's dockerd log, to explain a daemon that did not come up. */
export function logTail(host: SimHost, lines = 20): string {
    try {
        return fs.readFileSync(enginePaths(host).log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch (err) {
        return `(no log: ${(err as Error).message})`;
    }
}

/** Whether the host's engine answers now. */
export async function engineAnswers(host: SimHost): Promise<boolean> {
    return (await dockerUnavailableReason(2000, simHostClient(host))) === undefined;
}

/** Starts the host's dockerd, detached with its output in the log, and waits until it answers. */
export async function startEngine(host: SimHost): Promise<void> {
    if (dockerdPids(host).length > 0 && (await engineAnswers(host))) return;
    const p = enginePaths(host);
    fs.mkdirSync(p.dataRoot, { recursive: true, mode: 0o700 });
    fs.mkdirSync(p.execRoot, { recursive: true, mode: 0o700 });
    if (!fs.existsSync(p.config)) fs.writeFileSync(p.config, "{}\n");
    const log = fs.openSync(p.log, "a");
    let pid: number | undefined;
    try {
        // nsenter execs dockerd in the namespace: the pid is dockerd's.
        const child = spawn("nsenter", [...nsenterArgs(host.netns), "dockerd", ...dockerdArgs(host)], {
            detached: true,
            stdio: ["ignore", log, log],
        });
        child.on("error", () => undefined); // a failed spawn shows as a dead pid below
        child.unref();
        pid = child.pid;
    } finally {
        fs.closeSync(log);
    }
    try {
        await pollUntil(`dockerd of ${host.name} to answer on ${host.dockerHost}`, ANSWER_TIMEOUT_MS, async () => {
            if (pid === undefined || !alive(pid)) throw new StopPolling(`dockerd of ${host.name} exited`);
            const why = await dockerUnavailableReason(2000, simHostClient(host));
            if (why !== undefined) throw new Error(why); // the last one is reported if the wait runs out
            return true;
        });
    } catch (err) {
        throw new Error(`${(err as Error).message}; ${p.log} ends:\n${logTail(host)}`);
    }
}

/** Signals the host's dockerd and waits (bounded) until it is gone; false if it outlived the wait. */
export async function signalEngine(host: SimHost, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
    const pids = dockerdPids(host);
    for (const pid of pids) process.kill(pid, signal);
    try {
        await pollUntil(`dockerd of ${host.name} to exit`, timeoutMs, async () => !pids.some(alive), 100);
        return true;
    } catch {
        return false;
    }
}

/** Stops the host's dockerd as a host loss would: SIGTERM, then wait until it is gone. */
export async function stopEngine(host: SimHost): Promise<void> {
    if (!(await signalEngine(host, "SIGTERM", STOP_TIMEOUT_MS))) {
        throw new Error(`dockerd of ${host.name} still runs ${STOP_TIMEOUT_MS} ms after SIGTERM; log ends:\n${logTail(host)}`);
    }
}
