// pulumi:providers:docker, an explicit Docker provider (its engines are in dockerEngines.ts). A
// provider makes nothing physical: it names the engine (its `host`) that the docker resources
// registered with `{ provider }` live on, as pulumi-docker configures one client per provider.
// Resources without a provider use the default engine (DOCKER_HOST, else the local socket).
import * as crypto from "crypto";
import { dockerOptionsOf } from "../../components/dockerEngine";
import { Inputs } from "./inputs";
import type { Handler } from "./types";

/** The inputs the backend honours, read strictly: any other one throws, naming it. */
export function readProviderInputs(where: string, raw: Record<string, unknown>): { host?: string } {
    const inp = new Inputs(where, raw);
    const host = inp.str("host");
    // sshOpts (a JSON list of ssh(1) options, as the Provider class serializes it) is accepted
    // and ignored: dockerode speaks SSH through ssh2, not the ssh binary, so the options have no
    // equivalent; dockerOptionsOf gives ssh:// hosts the agent in SSH_AUTH_SOCK.
    inp.str("sshOpts");
    inp.finish();
    if (host !== undefined) {
        try {
            dockerOptionsOf(host);
        } catch (err) {
            inp.fail("host", `is not usable: ${(err as Error).message}`);
        }
    }
    return { host };
}

/** Creates a provider: nothing physical, an id as the engine gives one (a UUID); the state is its inputs. */
export const createDockerProvider: Handler = async (_ctx, { where, raw }) => {
    readProviderInputs(where, raw);
    return { id: crypto.randomUUID(), state: { ...raw } };
};
