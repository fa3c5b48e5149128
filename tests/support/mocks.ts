// What unit tests see of Pulumi's mock monitor: its sentinel values and how it hands secrets to
// newResource. Outputs as promises and unwrapped inputs are in harness/pulumi.ts.
import type * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_PREFIX } from "../../harness/docker";

/** The engine's "not known yet" value during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How the mock monitor hands a secret input to newResource: wrapped, not as plain text. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The type token of the component's replication check. */
export const CHECK_TYPE = `${DYNAMIC_PREFIX}/redis:ReplicationCheck`;

/** Whether v is a secret as newResource receives it. */
export const isSecretValue = (v: unknown): boolean => typeof v === "object" && v !== null && Object.values(v).includes(SECRET_SIG);

/** The value inside a secret, or the value itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reveal = (v: any): any => (isSecretValue(v) ? v.value : v);

/** The mocks' RandomPassword result: named after the resource, so a test can tell whose it is. */
export const mockPassword = (resourceName: string): string => `mock-${resourceName}`;

/** A mock's state for a resource: its inputs, plus what the live configuration's providers and random add on create. */
export function stateOf(type: string, inputs: Record<string, unknown>, name: string): Record<string, unknown> {
    if (type === "random:index/randomPassword:RandomPassword") return { ...inputs, result: mockPassword(name) };
    if (type === `${DYNAMIC_PREFIX}/redis:NodeBoot`) return { ...inputs, boot: inputs.current };
    if (type === `${DYNAMIC_PREFIX}/redis:LiveConfig`) return { ...inputs, generation: 1, changed: [], admittedPassword: false };
    if (type === `${DYNAMIC_PREFIX}/redis:RestoreSeed`)
        return { ...inputs, restored: { file: inputs.file, keys: 1, expires: 0, alreadyExpired: 0 } };
    return { ...inputs };
}

/** One registration as the mocks saw it. */
export interface Registered {
    type: string;
    name: string;
    inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** The provider reference (`urn::id`) it was registered with, if any. */
    provider?: string;
}

/** What a local build's repoDigest is under the mocks. */
export const MOCK_IMAGE_ID = `sha256:${"ab".repeat(32)}`;

/** Mocks that push every registration onto `registered` and return plausible outputs: a passing check, a built image. */
export function recordingMocks(registered: Registered[]): pulumi.runtime.Mocks {
    return {
        newResource(args) {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
            const state = stateOf(args.type, args.inputs, args.name);
            if (args.type === "docker:index/image:Image") state.repoDigest = MOCK_IMAGE_ID;
            if (args.type === CHECK_TYPE) {
                Object.assign(state, {
                    masterReplId: "0123456789abcdef",
                    currentMaster: args.inputs.masterContainer,
                    currentMasterEndpoint: args.inputs.masterEndpoint,
                    durationMs: 42,
                    passedAt: "2026-11-21T00:00:00.000Z",
                    replicaStatus: (args.inputs.replicas as { name: string; endpoint: string }[]).map((r) => ({
                        ...r,
                        linkStatus: "up",
                        offset: 100,
                        lagBytes: 0,
                    })),
                });
            }
            return { id: `${args.name}-id`, state };
        },
        call: (args) => args.inputs,
    };
}

/** The one registration named n among those recorded; fails naming what was registered. */
export function registeredAs(registered: Registered[], n: string): Registered {
    const r = registered.find((x) => x.name === n);
    if (!r) throw new Error(`${n} not registered; registered: ${registered.map((x) => x.name).join(", ")}`);
    return r;
}
