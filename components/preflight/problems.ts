// What the preflight finds wrong, from the group's plan and the Docker engine's facts. Pure;
// serialized with the provider (see docs/development.md#serialized-providers).
import { cidrContains, cidrsOverlap, ipToInt, parseCidr } from "../../config/ipv4";
import { passwordProblems } from "../../config/password";
import { tlsProblems } from "../../config/tls";
import type { DockerFacts, ImageFact, PreflightInputs, Problem } from "./types";

function ownedBy(group: string | undefined, mine: string): boolean {
    return group === mine;
}

/** A host port published by a container that is not the group's own. */
export function portProblems(inputs: PreflightInputs, facts: DockerFacts): Problem[] {
    const out: Problem[] = [];
    for (const { path, value } of inputs.hostPorts) {
        const user = facts.published.find(
            (p) =>
                p.port === value &&
                !ownedBy(p.group, inputs.group) &&
                (p.ip === inputs.hostIp || p.ip === "0.0.0.0" || inputs.hostIp === "0.0.0.0"),
        );
        if (user) out.push({ propertyPath: path, reason: `port ${value} is already published by container "${user.container}"` });
    }
    return out;
}

/** The group's subnet overlapping a network that is not its own; an `existing` network that is missing or lacks the IPs. */
export function networkProblems(inputs: PreflightInputs, facts: DockerFacts): Problem[] {
    const out: Problem[] = [];
    const mine = parseCidr(inputs.subnet ?? "");
    if (typeof mine !== "string") {
        for (const net of facts.networks) {
            if (ownedBy(net.group, inputs.group) && inputs.names.networks.includes(net.name)) continue;
            const clash = net.subnets.find((s) => {
                const other = parseCidr(s);
                return typeof other !== "string" && cidrsOverlap(mine, other);
            });
            if (clash)
                out.push({ propertyPath: "network.subnet", reason: `${inputs.subnet} overlaps Docker network "${net.name}" (${clash})` });
        }
    }
    if (inputs.existingNetwork !== undefined) {
        const net = facts.networks.find((n) => n.name === inputs.existingNetwork);
        if (!net) return [...out, { propertyPath: "network.existing", reason: `no Docker network "${inputs.existingNetwork}" exists` }];
        for (const { path, value } of inputs.ips) {
            const ip = ipToInt(value) ?? -1;
            const inside = net.subnets.some((s) => {
                const c = parseCidr(s);
                return typeof c !== "string" && cidrContains(c, ip);
            });
            if (!inside)
                out.push({
                    propertyPath: path,
                    reason: `${value} is not in network "${net.name}" (${net.subnets.join(", ") || "no IPv4 subnet"})`,
                });
        }
    }
    return out;
}

/** A container, network or volume name the group would use that something else already has. */
export function nameProblems(inputs: PreflightInputs, facts: DockerFacts): Problem[] {
    const taken = (kind: string, names: string[], existing: { name: string; group?: string }[]): Problem[] =>
        names.flatMap((name) => {
            const found = existing.find((e) => e.name === name);
            if (!found || ownedBy(found.group, inputs.group)) return [];
            return [
                {
                    propertyPath: "name",
                    reason: `${kind} "${name}" already exists and is not this group's (its label redis-replication.group is ${found.group === undefined ? "unset" : `"${found.group}"`})`,
                },
            ];
        });
    return [
        ...taken("container", inputs.names.containers, facts.containers),
        ...taken("network", inputs.names.networks, facts.networks),
        ...taken("volume", inputs.names.volumes, facts.volumes),
    ];
}

/**
 * restoreFrom seeds a new group's master only: refused when this stack deployed the group before
 * without it (or with another), or when the group's master container already exists.
 */
export function restoreProblems(olds: Partial<PreflightInputs>, news: PreflightInputs, facts: DockerFacts): Problem[] {
    if (news.restore === undefined) return [];
    const deployed = olds.group !== undefined;
    if (deployed && olds.restore?.spec === news.restore.spec) return [];
    const masterExists = facts.containers.some((c) => c.name === news.restore!.masterContainer && ownedBy(c.group, news.group));
    if (!deployed && !masterExists) return [];
    return [
        {
            propertyPath: "restoreFrom",
            reason:
                "the group is already running, and a restore seeds only a new group's master: restore into a new group " +
                "(another name, subnet and ports), or remove restoreFrom",
        },
    ];
}

/**
 * An image neither on the engine nor given by its registry. One its registry gives is fine: the
 * Docker provider pulls an image it does not find when it creates the container (kreuzwerker's
 * resourceDockerContainerCreate calls findImage, internal/provider/resource_docker_container_funcs.go:50@5074970c,
 * which pulls what is not local, internal/provider/resource_docker_image_funcs.go:360@5074970c).
 */
export function imageProblems(inputs: PreflightInputs, images: ImageFact[]): Problem[] {
    const where = inputs.host === undefined ? "the Docker engine" : `host "${inputs.host}"`;
    const wanted: [string, string | undefined][] = [
        ["image.name", inputs.image],
        ["metrics.image", inputs.exporterImage],
    ];
    return wanted.flatMap(([propertyPath, image]) => {
        const fact = images.find((f) => f.image === image);
        if (!fact || fact.local || fact.refused === undefined) return [];
        const reason = `"${image}" is not on ${where}, and its registry does not give it (${fact.refused}): docker load or docker pull it there first`;
        return [{ propertyPath, reason }];
    });
}

export function passwordFailures(inputs: PreflightInputs): Problem[] {
    return passwordProblems(inputs.password, inputs.auth).map((reason) => ({ propertyPath: "password", reason }));
}

/** The TLS certificate, key and CA, when a caller passed them as outputs: the checks the constructor makes of known ones. */
export function tlsFailures(inputs: PreflightInputs): Problem[] {
    return inputs.tls ? tlsProblems(inputs.tls.pem, inputs.tls.names) : [];
}
