// Which Docker engine a dynamic provider talks to: the one the Docker provider of the node's host
// talks to. Serialized with the providers (see docs/development.md#serialized-providers):
// no imports, dockerode is required where a client is made.
import type Docker from "dockerode";

/**
 * dockerode's options for a Docker provider's `host` (unix://, tcp://, ssh://), as docker-modem
 * reads DOCKER_HOST; undefined: the default engine (DOCKER_HOST, else the local socket).
 */
export function dockerOptionsOf(host: string | undefined): Docker.DockerOptions | undefined {
    if (host === undefined || host === "") return undefined;
    if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
    const url = new URL(host.includes("//") ? host : `tcp://${host}`);
    if (url.protocol === "ssh:") {
        return {
            protocol: "ssh",
            host: url.hostname,
            port: url.port || 22,
            username: url.username,
            sshOptions: { agent: process.env.SSH_AUTH_SOCK },
        };
    }
    if (url.protocol !== "tcp:" && url.protocol !== "http:" && url.protocol !== "https:") {
        throw new Error(`docker host ${host}: not unix://, tcp:// or ssh://`);
    }
    const port = url.port || (url.protocol === "https:" ? "2376" : "2375");
    return { protocol: port === "2376" || url.protocol === "https:" ? "https" : "http", host: url.hostname, port };
}

/** A dockerode client of that engine; with timeoutMs, each request fails after that long. */
export function dockerEngine(host: string | undefined, timeoutMs?: number): Docker {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Docker = require("dockerode") as typeof import("dockerode");
    const options = dockerOptionsOf(host);
    return new Docker(timeoutMs === undefined ? options : { ...options, timeout: timeoutMs });
}
