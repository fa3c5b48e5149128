// The engines the live backend talks to: the default one, and one per Docker provider's host.
import type Docker from "dockerode";
import { dockerEngine } from "../../components/dockerEngine";

/** Type token of the Docker provider resource. */
export const DOCKER_PROVIDER = "pulumi:providers:docker";

/** The key of a provider's `host`: "" for the default engine (unset, "", or DOCKER_HOST). */
function hostKey(host: string | undefined): string {
    return host === undefined || host === process.env.DOCKER_HOST ? "" : host;
}

/**
 * Every engine a backend talks to: the default one, and one client per distinct provider host
 * (a host equal to DOCKER_HOST, or unset, is the default engine's client).
 */
export class DockerEngines {
    private readonly byHost = new Map<string, Docker>();
    private readonly byProvider = new Map<string, Docker>();
    /** The engines a test declared lost: host key → the host as it named it. */
    private readonly lost = new Map<string, string>();

    constructor(readonly fallback: Docker) {}

    /** The client of `host`, made once. */
    forHost(host: string | undefined): Docker {
        if (hostKey(host) === "") return this.fallback;
        let docker = this.byHost.get(host!);
        if (docker === undefined) {
            docker = dockerEngine(host);
            this.byHost.set(host!, docker);
        }
        return docker;
    }

    /** Maps the provider `urn` to the engine of its `host`. */
    setProvider(urn: string, host: string | undefined): void {
        this.byProvider.set(urn, this.forHost(host));
    }

    /** The engine of a resource's provider reference (`urn::id`; "" or undefined: the default engine). */
    ofReference(ref: string | undefined, where: string): Docker {
        if (ref === undefined || ref === "") return this.fallback;
        const docker = this.byProvider.get(providerUrnOf(ref));
        if (docker === undefined) {
            throw new Error(
                `${where}: provider ${ref} is not a ${DOCKER_PROVIDER} this program registered (no other provider type is supported)`,
            );
        }
        return docker;
    }

    /** The default engine first, then one client per distinct provider host, in the order first used. */
    all(): Docker[] {
        return [this.fallback, ...this.byHost.values()];
    }

    /** Declares the engine of `host` (a provider's `host`; "" or DOCKER_HOST: the default one) unreachable. */
    lose(host: string): void {
        this.lost.set(hostKey(host), host === "" ? "(the default engine)" : host);
    }

    /** Takes back lose(). */
    regain(host: string): void {
        this.lost.delete(hostKey(host));
    }

    /** The host `docker` was declared lost under, or undefined. */
    lostHostOf(docker: Docker): string | undefined {
        for (const [key, host] of this.lost) if ((key === "" ? this.fallback : this.byHost.get(key)) === docker) return host;
        return undefined;
    }

    /** Throws when `docker` is a lost engine; `where` says what would have called it. */
    assertReachable(docker: Docker, where: string): void {
        const host = this.lostHostOf(docker);
        if (host !== undefined) throw lostEngineError(where, host);
    }
}

/** The URN of a provider reference `urn::id` (the URN itself contains "::"). */
export function providerUrnOf(ref: string): string {
    const at = ref.lastIndexOf("::");
    return at < 0 ? ref : ref.slice(0, at);
}

/**
 * Whether a type's create, update, read and delete are calls to its provider's Docker engine: the
 * docker:index/* ones. The provider resource itself is not (its delete only leaves the engine's
 * provider registry, pkg/resource/deploy/providers/registry.go:1018-1029), nor are commands,
 * passwords and dynamic resources.
 */
export function callsEngine(type: string): boolean {
    return type.startsWith("docker:");
}

/** The error of a call that would go to a lost engine. */
export function lostEngineError(where: string, host: string): Error {
    return new Error(`${where}: a call to the lost engine ${host}`);
}
