// The group's Docker network: the subnet and gateway of the one it creates, or the one it joins.
import { DEFAULT_SUBNET, DOCKER0, DOCKER_NAME } from "./defaults";
import { Cidr, cidrContains, cidrsOverlap, formatCidr, intToIp, ipToInt, parseCidr } from "./ipv4";
import { Reader } from "./reader";
import { NetworkPlan } from "./types";

/** The network plan, with the numbers the node addresses are checked against. */
export interface NetworkLayout extends NetworkPlan {
    /** The subnet, when known. */
    cidr?: Cidr;
    /** The gateway of a created network, which no node may take. */
    gatewayInt?: number;
}

export function readNetwork(r: Reader, value: unknown): NetworkLayout {
    const net = r.object(value, "network", ["subnet", "gateway", "existing"]) ?? {};
    const existing = r.string(net.existing, "network.existing");
    if (existing !== undefined && !DOCKER_NAME.test(existing))
        r.fail("network.existing", `"${existing}" is not a valid Docker network name`);
    if (existing !== undefined && net.gateway !== undefined) r.fail("network.gateway", "cannot be set for an existing network");
    const subnet = r.string(net.subnet, "network.subnet") ?? (existing === undefined ? DEFAULT_SUBNET : undefined);
    if (subnet === undefined) return { existing };

    const cidr = parseCidr(subnet);
    if (typeof cidr === "string") {
        r.fail("network.subnet", cidr);
        return { existing, subnet };
    }
    if (cidr.prefix < 8 || cidr.prefix > 29) r.fail("network.subnet", `${subnet}: the prefix must be between /8 and /29`);
    if (existing === undefined && cidrsOverlap(cidr, DOCKER0)) {
        r.fail(
            "network.subnet",
            `${subnet} overlaps Docker's default bridge ${formatCidr(DOCKER0)}; pick another range, e.g. ${DEFAULT_SUBNET}`,
        );
    }
    if (existing !== undefined) return { existing, subnet: formatCidr(cidr), cidr };

    const gatewayText = r.string(net.gateway, "network.gateway");
    let gatewayInt = cidr.base + 1;
    if (gatewayText !== undefined) {
        const g = ipToInt(gatewayText);
        if (g === undefined) r.fail("network.gateway", `${gatewayText} is not an IPv4 address`);
        else if (!isHost(cidr, g)) r.fail("network.gateway", `${gatewayText} is not a host address of network.subnet ${subnet}`);
        else gatewayInt = g;
    }
    return { subnet: formatCidr(cidr), gateway: intToIp(gatewayInt), cidr, gatewayInt };
}

/** Whether ip is in the block and neither its network nor its broadcast address. */
export function isHost(cidr: Cidr, ip: number): boolean {
    return cidrContains(cidr, ip) && ip !== cidr.base && ip !== cidr.base + cidr.size - 1;
}

/** The first address from `from` on (downward when step is -1) that is not the gateway. */
export function nextFree(from: number, gateway: number | undefined, step: 1 | -1 = 1): number {
    return from === gateway ? from + step : from;
}
