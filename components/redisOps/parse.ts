// Parsers of what the providers read: endpoints, INFO and Sentinel replies. Pure; serialized with
// each provider (see docs/development.md#serialized-providers).

/** Splits "host:port" (IPv6 hosts in brackets); undefined if malformed or the port is not 1-65535. */
export function parseEndpoint(endpoint: unknown): { host: string; port: number } | undefined {
    if (typeof endpoint !== "string") {
        return undefined;
    }
    const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(endpoint);
    if (!m || m[1] === undefined || m[2] === undefined) {
        return undefined;
    }
    const port = Number(m[2]);
    if (port < 1 || port > 65535) {
        return undefined;
    }
    return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/** Parses INFO text into field -> value. */
export function parseInfo(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of text.split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i > 0 && !line.startsWith("#")) {
            out[line.slice(0, i)] = line.slice(i + 1).trim();
        }
    }
    return out;
}

/** Parses a master's "slaveN" value: "ip=...,port=...,state=...,offset=...,lag=...". */
export function parseSlaveLine(value: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of value.split(",")) {
        const i = part.indexOf("=");
        if (i > 0) {
            out[part.slice(0, i)] = part.slice(i + 1);
        }
    }
    return out;
}

/** A master's replicas from its parsed INFO replication: each "slaveN" line, parsed. */
export function slavesOf(info: Record<string, string>): Record<string, string>[] {
    return Object.keys(info)
        .filter((k) => /^slave\d+$/.test(k))
        .map((k) => parseSlaveLine(info[k] ?? ""));
}

/** A flat [key, value, key, value, ...] reply as an object. */
export function pairs(reply: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(reply)) {
        for (let i = 0; i + 1 < reply.length; i += 2) {
            out[String(reply[i])] = String(reply[i + 1]);
        }
    }
    return out;
}
