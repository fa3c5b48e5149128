// What the hosts' daemons leave behind when they die unclean: processes of their containers,
// cgroups, mounts, libnetwork sockets, and the directories themselves.
import * as fs from "fs";
import * as path from "path";
import { pollUntil } from "../poll";
import { cgroupParentOf, DATA_BASE, RUN_BASE, SimHost } from "./layout";
import { netnsExists, nsenterArgs, run } from "./net";

const CGROUP_ROOT = "/sys/fs/cgroup";

/** The host's cgroup directories, one per mounted hierarchy that has it. */
function hostCgroups(host: SimHost): string[] {
    if (!fs.existsSync(CGROUP_ROOT)) return [];
    const dirs = fs.readdirSync(CGROUP_ROOT).map((h) => path.join(CGROUP_ROOT, h, cgroupParentOf(host)));
    return dirs.filter((d) => fs.existsSync(d));
}

/** Every cgroup under dir, deepest first. */
function cgroupTree(dir: string): string[] {
    const children = fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => cgroupTree(path.join(dir, e.name)));
    return [...children, dir];
}

function cgroupPids(dirs: string[]): number[] {
    const pids = new Set<number>();
    for (const dir of dirs.flatMap(cgroupTree)) {
        for (const line of fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n")) if (line) pids.add(Number(line));
    }
    return [...pids];
}

/** Kills the processes left in the host's cgroups (containers outlive a killed shim) and removes the cgroups. */
export async function removeCgroups(host: SimHost): Promise<void> {
    const dirs = hostCgroups(host);
    if (dirs.length === 0) return;
    await pollUntil(`the processes in the cgroups of ${host.name} to exit`, 10_000, async () => {
        const pids = cgroupPids(dirs);
        for (const pid of pids) killQuietly(pid, "SIGKILL");
        return pids.length === 0;
    });
    for (const dir of dirs.flatMap(cgroupTree)) fs.rmdirSync(dir);
}

export function killQuietly(pid: number, signal: NodeJS.Signals): void {
    try {
        process.kill(pid, signal);
    } catch {
        // already gone
    }
}

/** Mount points under the data and run bases, innermost first. */
function ourMounts(): string[] {
    const points = fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .map((line) => line.split(" ")[4] ?? "")
        .map((p) => p.replace(/\\040/g, " "))
        .filter((p) => [DATA_BASE, RUN_BASE].some((base) => p === base || p.startsWith(`${base}/`)));
    return points.reverse(); // mountinfo lists a mount after the one it sits on
}

/** Unmounts what is mounted under the bases; throws if something stays (then nothing may be deleted). */
export async function unmountAll(): Promise<void> {
    for (const point of ourMounts()) {
        await run("umount", [point]).catch(() => run("umount", ["-l", point]));
    }
    const left = ourMounts();
    if (left.length > 0) throw new Error(`still mounted: ${left.join(", ")}`);
}

/** Removes the data and run bases with everything in them. */
export function removeDirectories(): void {
    for (const base of [DATA_BASE, RUN_BASE]) fs.rmSync(base, { recursive: true, force: true });
}

/**
 * Sockets of the host's containerd shims: they live under /run/containerd/s whatever containerd's
 * root, and a killed shim leaves its socket; the namespace's socket table tells them apart.
 */
export async function shimSockets(host: SimHost): Promise<string[]> {
    if (!netnsExists(host.netns)) return [];
    const table = await run("nsenter", [...nsenterArgs(host.netns), "cat", "/proc/net/unix"]);
    const paths = table.split("\n").map((line) => line.trim().split(/\s+/)[7] ?? "");
    return [...new Set(paths.filter((p) => p.startsWith("/run/containerd/s/")))];
}
