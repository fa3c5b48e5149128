// Pure IPv4 arithmetic for planning static addresses. No resources, no I/O.

// No leading zeros: Docker (Go's net/netip) refuses 10.89.0.010, and inet_aton reads it as 10.89.0.8.
const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** The address as an unsigned 32-bit number, or undefined when it is not dotted-quad IPv4. */
export function ipToInt(ip: string): number | undefined {
    const m = IPV4.exec(ip);
    if (!m) return undefined;
    const octets = m.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return octets.reduce((acc, o) => acc * 256 + o, 0);
}

export function intToIp(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

export interface Cidr {
    /** The network address as a number. */
    base: number;
    prefix: number;
    /** Number of addresses in the block, network and broadcast included. */
    size: number;
}

/** Parses "a.b.c.d/p"; the reason when it is not a CIDR block whose host bits are zero. */
export function parseCidr(text: string): Cidr | string {
    const [addr, prefixText, extra] = text.split("/");
    const base = ipToInt(addr ?? "");
    if (base === undefined || prefixText === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText)) {
        return `${text} is not an IPv4 CIDR block like 10.89.0.0/24`;
    }
    const prefix = Number(prefixText);
    if (prefix > 32) return `${text} has a prefix longer than 32`;
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) return `${text} has host bits set; the network is ${intToIp(base - (base % size))}/${prefix}`;
    return { base, prefix, size };
}

export function cidrContains(cidr: Cidr, ip: number): boolean {
    return ip >= cidr.base && ip < cidr.base + cidr.size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + b.size && b.base < a.base + a.size;
}

export function formatCidr(cidr: Cidr): string {
    return `${intToIp(cidr.base)}/${cidr.prefix}`;
}
