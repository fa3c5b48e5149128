// What the Docker engine has, asked through dockerode, which connects as the Docker provider does
// by default (DOCKER_HOST, else the local socket); and, where the engine is local, which host ports
// another listener holds. Serialized with the provider (see
// docs/development.md#serialized-providers).
import { dockerEngine } from "../dockerEngine";
import type { AtPath, DockerFacts, ImageFact, PreflightInputs, Problem } from "./types";

const GROUP_LABEL = "redis-replication.group";

/** The engine is on this machine unless its address (the host's dockerHost, else DOCKER_HOST) names another. */
function engineIsLocal(dockerHost: string | undefined): boolean {
    const host = dockerHost ?? process.env.DOCKER_HOST ?? "";
    return host === "" || host.startsWith("unix://") || /^tcp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(host);
}

/** What the engine at `dockerHost` (undefined: the default one) has. */
export async function dockerFacts(dockerHost: string | undefined): Promise<DockerFacts> {
    const docker = dockerEngine(dockerHost);
    const [containers, networks, volumes] = await Promise.all([
        docker.listContainers({ all: true }),
        docker.listNetworks(),
        docker.listVolumes(),
    ]);
    const groupOf = (labels: Record<string, string> | undefined | null) => labels?.[GROUP_LABEL];
    return {
        published: containers.flatMap((c) =>
            (c.Ports ?? [])
                .filter((p) => p.PublicPort !== undefined && p.Type === "tcp")
                .map((p) => ({
                    port: p.PublicPort!,
                    ip: p.IP ?? "0.0.0.0",
                    container: (c.Names[0] ?? c.Id).replace(/^\//, ""),
                    group: groupOf(c.Labels),
                })),
        ),
        networks: networks.map((n) => ({
            name: n.Name,
            subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? "").filter((s) => s.includes(".")),
            group: groupOf(n.Labels),
        })),
        containers: containers.flatMap((c) => c.Names.map((name) => ({ name: name.replace(/^\//, ""), group: groupOf(c.Labels) }))),
        volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, group: groupOf(v.Labels) })),
        local: engineIsLocal(dockerHost),
    };
}

/** Whether something on this machine listens on ip:port: binding it fails with EADDRINUSE. */
function isBound(ip: string, port: number): Promise<boolean> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const net = require("net") as typeof import("net");
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code === "EADDRINUSE"));
        server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(false)));
    });
}

/** Host ports bound by a listener that is no container's, on a local engine. */
export async function listenerProblems(inputs: PreflightInputs, facts: DockerFacts): Promise<Problem[]> {
    if (!facts.local) return [];
    const published = new Set(facts.published.map((p) => p.port));
    const free: AtPath<number>[] = inputs.hostPorts.filter((p) => !published.has(p.value));
    const bound = await Promise.all(free.map((p) => isBound(inputs.hostIp, p.value)));
    return free
        .filter((_, i) => bound[i])
        .map((p) => ({ propertyPath: p.path, reason: `port ${p.value} on ${inputs.hostIp} is already in use by another program` }));
}

/** The registry's own words, as the engine passes them on (dockerode's message adds the HTTP code and its own gloss). */
function registryRefusal(err: Error & { json?: { message?: unknown } }): string {
    const said = typeof err.json?.message === "string" ? err.json.message : err.message;
    return said.replace(/\s+/g, " ").trim();
}

/**
 * The images the group runs on this engine (image.name, the exporter's): each on the engine
 * already, or else what its registry says, asked without pulling it.
 */
export async function imageFacts(inputs: PreflightInputs): Promise<ImageFact[]> {
    const images = [...new Set([inputs.image, inputs.exporterImage])].filter((i): i is string => i !== undefined);
    if (images.length === 0) return [];
    const docker = dockerEngine(inputs.docker);
    return Promise.all(
        images.map(async (image): Promise<ImageFact> => {
            const local = await docker
                .getImage(image)
                .inspect()
                .then(() => true)
                .catch(() => false);
            if (local) return { image, local };
            const refused = await docker
                .getImage(image)
                .distribution({})
                .then(() => undefined)
                .catch(registryRefusal);
            return { image, local, refused };
        }),
    );
}
