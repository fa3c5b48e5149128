// The network of the simulated hosts: a bridge in the root namespace, one network namespace per
// host joined to it by a veth, and the iptables rule that lets frames cross the bridge.
import * as fs from "fs";
import { execFile } from "child_process";
import { promisify } from "util";
import { pollUntil } from "../poll";
import { BRIDGE, BRIDGE_ADDRESS, PREFIX_LENGTH, SimHost, vethOf } from "./layout";

const execFileAsync = promisify(execFile);

/** Runs a command, returning its stdout; the error names the command and its stderr. */
export async function run(cmd: string, args: string[]): Promise<string> {
    try {
        const { stdout } = await execFileAsync(cmd, args, { timeout: 30_000 });
        return stdout;
    } catch (err) {
        const stderr = String((err as { stderr?: string }).stderr ?? "").trim();
        throw new Error(`${cmd} ${args.join(" ")}: ${stderr || (err as Error).message}`);
    }
}

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
    return run(cmd, args).then(
        () => true,
        () => false,
    );
}

/** The nsenter prefix that runs a command in the namespace; `ip netns exec` remounts /sys and breaks dockerd. */
export function nsenterArgs(netns: string): string[] {
    return [`--net=/var/run/netns/${netns}`];
}

function inNetns(netns: string, cmd: string, args: string[]): Promise<string> {
    return run("nsenter", [...nsenterArgs(netns), cmd, ...args]);
}

export function netnsExists(netns: string): boolean {
    return fs.existsSync(`/var/run/netns/${netns}`);
}

// Bridged frames pass iptables FORWARD (br_netfilter), whose policy the main dockerd set to DROP.
const ACCEPT_RULE = ["FORWARD", "-i", BRIDGE, "-o", BRIDGE, "-m", "comment", "--comment", "rrg-hosts", "-j", "ACCEPT"];

/** Makes whatever is missing of the bridge, the namespaces, the veths and the rule. */
export async function setUpNetwork(hosts: SimHost[]): Promise<void> {
    if (!(await succeeds("ip", ["link", "show", BRIDGE]))) await run("ip", ["link", "add", BRIDGE, "type", "bridge"]);
    await run("ip", ["addr", "replace", `${BRIDGE_ADDRESS}/${PREFIX_LENGTH}`, "dev", BRIDGE]);
    await run("ip", ["link", "set", BRIDGE, "up"]);
    if (!(await succeeds("iptables", ["-C", ...ACCEPT_RULE])))
        await run("iptables", ["-I", ...ACCEPT_RULE.slice(0, 1), "1", ...ACCEPT_RULE.slice(1)]);
    for (const host of hosts) await setUpHostNetwork(host);
}

async function setUpHostNetwork(host: SimHost): Promise<void> {
    const veth = vethOf(host);
    if (!netnsExists(host.netns)) await run("ip", ["netns", "add", host.netns]);
    if (!(await succeeds("ip", ["link", "show", veth]))) {
        // The peer gets a temporary name: the root namespace has its own eth0.
        const peer = `${veth}p`;
        await run("ip", ["link", "add", veth, "type", "veth", "peer", "name", peer]);
        await run("ip", ["link", "set", peer, "netns", host.netns]);
        await inNetns(host.netns, "ip", ["link", "set", peer, "name", "eth0"]);
    }
    await run("ip", ["link", "set", veth, "master", BRIDGE, "up"]);
    await inNetns(host.netns, "ip", ["link", "set", "lo", "up"]);
    await inNetns(host.netns, "ip", ["addr", "replace", `${host.address}/${PREFIX_LENGTH}`, "dev", "eth0"]);
    await inNetns(host.netns, "ip", ["link", "set", "eth0", "up"]);
    await inNetns(host.netns, "ip", ["route", "replace", "default", "via", BRIDGE_ADDRESS]);
}

/** Pids of the processes in the namespace (none when it does not exist). */
export async function netnsPids(netns: string): Promise<number[]> {
    if (!netnsExists(netns)) return [];
    const out = await run("ip", ["netns", "pids", netns]);
    return out.split(/\s+/).filter(Boolean).map(Number);
}

/** Runs a removal; an "already gone" answer counts as done. */
async function remove(cmd: string, args: string[]): Promise<void> {
    await run(cmd, args).catch((err: Error) => {
        if (!/Cannot find device|No such file|does not exist|Bad rule/i.test(err.message)) throw err;
    });
}

/** What is still there of the hosts' network: namespaces, veths, the bridge, the rule. */
export async function networkLeft(hosts: SimHost[]): Promise<string[]> {
    const left: string[] = [];
    for (const host of hosts) {
        if (netnsExists(host.netns)) left.push(`netns ${host.netns}`);
        if (await succeeds("ip", ["link", "show", vethOf(host)])) left.push(`link ${vethOf(host)}`);
    }
    if (await succeeds("ip", ["link", "show", BRIDGE])) left.push(`bridge ${BRIDGE}`);
    if (await succeeds("iptables", ["-C", ...ACCEPT_RULE])) left.push("iptables rule rrg-hosts");
    return left;
}

/**
 * Removes the namespaces, veths, bridge and rule; "already gone" is success. The kernel destroys a
 * namespace's veth pair after `netns del` returns, so what is left is polled for, not assumed:
 * returns an error naming whatever is still there at the end.
 */
export async function tearDownNetwork(hosts: SimHost[]): Promise<Error[]> {
    const errors: Error[] = [];
    const attempt = (p: Promise<unknown>) => p.catch((err: Error) => errors.push(err));
    for (const host of hosts) if (netnsExists(host.netns)) await attempt(remove("ip", ["netns", "del", host.netns]));
    // Give the kernel its moment to destroy the pairs; a veth outside any namespace is removed by hand.
    await pollUntil("the hosts' veths to go with their namespaces", 5_000, async () => {
        for (const host of hosts) if (await succeeds("ip", ["link", "show", vethOf(host)])) return false;
        return true;
    }).catch(async () => {
        for (const host of hosts) await attempt(remove("ip", ["link", "del", vethOf(host)]));
    });
    await attempt(remove("ip", ["link", "del", BRIDGE]));
    // -D removes one copy at a time; a bounded loop in case an earlier run added it twice.
    for (let i = 0; i < 10 && (await succeeds("iptables", ["-C", ...ACCEPT_RULE])); i++) {
        await attempt(remove("iptables", ["-D", ...ACCEPT_RULE]));
    }
    const left = await pollUntil("the hosts' network to be gone", 5_000, async () => {
        const now = await networkLeft(hosts);
        return now.length === 0 ? now : false;
    }).catch(async () => networkLeft(hosts));
    if (left.length > 0) errors.push(new Error(`left after the teardown: ${left.join(", ")}`));
    return errors;
}
