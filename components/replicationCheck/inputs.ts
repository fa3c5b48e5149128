// What check() and diff() decide from the inputs alone: shape problems, named by property, and
// whether anything that is checked changed. Serialized with the provider (see
// docs/development.md#serialized-providers).
import type * as pulumi from "@pulumi/pulumi";
import { REDIS_DEFAULT_PORT, SENTINEL_DEFAULT_PORT } from "../redisOps/constants";
import { parseEndpoint } from "../redisOps/parse";

/** The engine's placeholder for a value not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** check()'s rules, each recording a failure under the property it is given. Values not known yet pass them all. */
interface Rules {
    failures: pulumi.dynamic.CheckFailure[];
    known(v: unknown): boolean;
    fail(property: string, reason: string): void;
    nonEmpty(property: string, v: unknown): void;
    endpoint(property: string, v: unknown): void;
    ip(property: string, v: unknown): void;
    /** A positive number of milliseconds, or undefined. */
    positive(property: string, v: unknown): void;
    /** A port from 1 to 65535, or undefined. */
    port(property: string, v: unknown): void;
    /** Endpoints must differ across nodes and sentinels. */
    uniqueEndpoint(property: string, v: unknown): void;
    /** Name, endpoint, IP and optional port of a replica or sentinel; the object when it is one. */
    target(at: string, r: unknown): Record<string, unknown> | undefined;
}

function isPort(v: unknown): v is number {
    return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535;
}

/** check(): shape problems, named by property. Values not known yet (preview) are skipped. */
export function validateInputs(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
    const r = newRules();
    r.nonEmpty("masterContainer", news.masterContainer);
    r.endpoint("masterEndpoint", news.masterEndpoint);
    r.ip("masterIp", news.masterIp);
    r.port("masterPort", news.masterPort);
    r.positive("timeoutMs", news.timeoutMs);
    r.positive("pollIntervalMs", news.pollIntervalMs);
    for (const key of ["username", "password"]) {
        const v = news[key];
        if (v !== undefined && r.known(v) && typeof v !== "string") r.fail(key, "must be a string");
    }
    const ids = news.containerIds;
    if (r.known(ids) && (!Array.isArray(ids) || ids.some((id) => r.known(id) && typeof id !== "string"))) {
        r.fail("containerIds", "must be a list of container ids");
    }
    const expected = news.expectedReplicas;
    if (r.known(expected) && !(typeof expected === "number" && Number.isInteger(expected) && expected >= 1)) {
        r.fail("expectedReplicas", `must be a whole number of at least 1, got ${JSON.stringify(expected)}`);
    }
    r.uniqueEndpoint("masterEndpoint", news.masterEndpoint);
    validateReplicas(r, news);
    validateSentinel(r, news.sentinel);
    return r.failures;
}

function newRules(): Rules {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const net = require("net") as typeof import("net");
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const known = (v: unknown): boolean => v !== UNKNOWN;
    const fail = (property: string, reason: string): void => {
        failures.push({ property, reason });
    };
    const nonEmpty = (property: string, v: unknown): void => {
        if (known(v) && (typeof v !== "string" || v.trim() === "")) {
            fail(property, `must be a non-empty string, got ${JSON.stringify(v)}`);
        }
    };
    const endpoint = (property: string, v: unknown): void => {
        if (known(v) && !parseEndpoint(v)) {
            fail(property, `${JSON.stringify(v)} is not host:port with a port from 1 to 65535`);
        }
    };
    const ip = (property: string, v: unknown): void => {
        if (known(v) && (typeof v !== "string" || net.isIP(v) === 0)) {
            fail(property, `${JSON.stringify(v)} is not an IP address`);
        }
    };
    const positive = (property: string, v: unknown): void => {
        if (v !== undefined && known(v) && !(typeof v === "number" && Number.isFinite(v) && v > 0)) {
            fail(property, `must be a positive number of milliseconds, got ${JSON.stringify(v)}`);
        }
    };
    const port = (property: string, v: unknown): void => {
        if (v !== undefined && known(v) && !isPort(v)) {
            fail(property, `${JSON.stringify(v)} is not a port from 1 to 65535`);
        }
    };
    const seen = new Map<string, string>();
    const uniqueEndpoint = (property: string, v: unknown): void => {
        if (typeof v === "string" && known(v)) {
            const other = seen.get(v);
            if (other !== undefined) {
                fail(property, `${v} is also ${other}`);
            } else {
                seen.set(v, property);
            }
        }
    };
    const target = (at: string, r: unknown): Record<string, unknown> | undefined => {
        if (!known(r)) {
            return undefined;
        }
        if (typeof r !== "object" || r === null) {
            fail(at, "must be an object with name, endpoint and ip");
            return undefined;
        }
        const t = r as Record<string, unknown>;
        nonEmpty(`${at}.name`, t.name);
        endpoint(`${at}.endpoint`, t.endpoint);
        ip(`${at}.ip`, t.ip);
        port(`${at}.port`, t.port);
        uniqueEndpoint(`${at}.endpoint`, t.endpoint);
        return t;
    };
    return { failures, known, fail, nonEmpty, endpoint, ip, positive, port, uniqueEndpoint, target };
}

function validateReplicas(r: Rules, news: Record<string, unknown>): void {
    const replicas = news.replicas;
    const expected = news.expectedReplicas;
    // With sentinel, each data node's ip:port must be its own: it is how the sentinels name the master.
    const addresses = new Map<string, string>();
    const masterPort = isPort(news.masterPort) ? news.masterPort : REDIS_DEFAULT_PORT;
    if (typeof news.masterIp === "string") {
        addresses.set(`${news.masterIp}:${masterPort}`, "masterIp:masterPort");
    }
    if (!r.known(replicas)) {
        return;
    }
    if (!Array.isArray(replicas) || replicas.length === 0) {
        r.fail("replicas", "at least one replica is required");
        return;
    }
    if (typeof expected === "number" && replicas.length !== expected) {
        r.fail("replicas", `${replicas.length} replicas given but expectedReplicas is ${expected}`);
    }
    replicas.forEach((replica: unknown, i) => {
        const t = r.target(`replicas[${i}]`, replica);
        if (t && typeof t.ip === "string" && r.known(t.ip)) {
            const addr = `${t.ip}:${isPort(t.port) ? t.port : masterPort}`;
            const other = addresses.get(addr);
            if (other !== undefined && news.sentinel !== undefined && news.sentinel !== null) {
                r.fail(`replicas[${i}].ip`, `${addr} is also the address of ${other}: the sentinels could not tell them apart`);
            }
            addresses.set(addr, `replicas[${i}]`);
        }
    });
}

function validateSentinel(r: Rules, sentinel: unknown): void {
    if (sentinel === undefined || sentinel === null || !r.known(sentinel)) {
        return;
    }
    if (typeof sentinel !== "object" || Array.isArray(sentinel)) {
        r.fail("sentinel", "must be an object with masterName, quorum and sentinels");
        return;
    }
    const sc = sentinel as Record<string, unknown>;
    r.nonEmpty("sentinel.masterName", sc.masterName);
    if (typeof sc.masterName === "string" && r.known(sc.masterName) && /\s/.test(sc.masterName)) {
        r.fail("sentinel.masterName", `${JSON.stringify(sc.masterName)} must not contain whitespace`);
    }
    const list = sc.sentinels;
    const quorum = sc.quorum;
    if (r.known(quorum) && !(typeof quorum === "number" && Number.isInteger(quorum) && quorum >= 1)) {
        r.fail("sentinel.quorum", `must be a whole number of at least 1, got ${JSON.stringify(quorum)}`);
    } else if (typeof quorum === "number" && Array.isArray(list) && list.length > 0 && quorum > list.length) {
        r.fail("sentinel.quorum", `${quorum} is more than the ${list.length} sentinels`);
    }
    if (r.known(list)) {
        if (!Array.isArray(list) || list.length === 0) {
            r.fail("sentinel.sentinels", "at least one sentinel is required");
        } else {
            list.forEach((s: unknown, i) => r.target(`sentinel.sentinels[${i}]`, s));
        }
    }
}

/** diff(): true when anything that decides what is checked changed. Timeouts, the master's container name and the password do not. */
export function inputsChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    // Replicas and sentinels by name, endpoint, IP and port; ports default as the check defaults them.
    const targets = (list: unknown, defaultPort: number | undefined): unknown =>
        Array.isArray(list)
            ? list.map((r: unknown) => {
                  const t = (r ?? {}) as Record<string, unknown>;
                  return typeof r === "object" ? [t.name, t.endpoint, t.ip, t.port ?? defaultPort ?? null] : r;
              })
            : list;
    const sentinelOf = (s: unknown): unknown => {
        if (s === undefined || s === null) {
            return null;
        }
        const t = s as Record<string, unknown>;
        return typeof s === "object" ? [t.masterName, t.quorum, targets(t.sentinels, SENTINEL_DEFAULT_PORT)] : s;
    };
    const norm = (v: Record<string, unknown>): string =>
        JSON.stringify([
            v.masterEndpoint,
            v.masterIp,
            v.masterPort ?? REDIS_DEFAULT_PORT,
            v.expectedReplicas,
            targets(v.replicas, undefined),
            Array.isArray(v.containerIds) ? [...v.containerIds] : v.containerIds,
            sentinelOf(v.sentinel),
            v.configGeneration ?? null,
            v.verifyToken ?? null,
        ]);
    return norm(olds) !== norm(news);
}
