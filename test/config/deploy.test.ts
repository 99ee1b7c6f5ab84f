/**
 * The Kubernetes manifests under deploy/ are checked by reading them, as the compose file is: each
 * object validates against Kubernetes' own schemas (kubernetes-models), and the wiring holds — probes
 * on keygate's health routes, a migration Job with pods that do not migrate, secrets from Secrets,
 * locked-down pods, a grace period that outlasts the drain, selectors that find the pods.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IService } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";
import { loadConfig, SETTINGS } from "../../src/config.js";

const deployDir = new URL("../../deploy/", import.meta.url);
type KubeObject = { apiVersion: string; kind: string; metadata?: { name?: string } } & Record<string, unknown>;

const objects: Array<{ file: string; object: KubeObject }> = readdirSync(deployDir)
  .filter((file) => file.endsWith(".yaml"))
  .flatMap((file) => parseAllDocuments(readFileSync(new URL(file, deployDir), "utf8")).map((doc) => ({ file, object: doc.toJS() as KubeObject })));

const only = <T>(kind: string): T => {
  const found = objects.filter((o) => o.object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!.object as T;
};

/** The model class kubernetes-models has for an object's apiVersion and kind ("apps/v1" → kubernetes-models/apps/v1). */
async function validate(object: KubeObject): Promise<void> {
  const models = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = models[object.kind];
  if (Model === undefined) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

const deployment = only<IDeployment>("Deployment");
const job = only<IJob>("Job");
const service = only<IService>("Service");
const pdb = only<IPodDisruptionBudget>("PodDisruptionBudget");
const podSpec = deployment.spec!.template.spec!;
const keygate = podSpec.containers.find((c) => c.name === "keygate")!;
const settingNames = new Set<string>(SETTINGS.map((s) => s.env));
const literalEnv = (container: IContainer) => Object.fromEntries((container.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

describe("deploy/ (Kubernetes manifests)", () => {
  test.each(objects.map((o) => [`${o.file}: ${o.object.kind} ${o.object.metadata?.name}`, o.object] as const))("%s validates against Kubernetes' schema", async (_name, object) => {
    await expect(validate(object)).resolves.toBeUndefined();
  });

  test("the validation would catch a broken manifest", async () => {
    await expect(validate({ ...deployment, spec: { ...deployment.spec, replicas: "two" } } as unknown as KubeObject)).rejects.toThrow(/replicas/);
    await expect(validate({ ...service, spec: { ...service.spec, ports: [{ port: "http" }] } } as unknown as KubeObject)).rejects.toThrow();
  });

  test("liveness asks /healthz and readiness /ready, on the port keygate listens on", () => {
    const port = Number(literalEnv(keygate).PORT ?? SETTINGS.find((s) => s.env === "PORT")!.default);
    const named = (ref: string | number | undefined) => keygate.ports!.find((p) => p.name === ref || p.containerPort === ref)?.containerPort;
    expect(keygate.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(keygate.readinessProbe?.httpGet?.path).toBe("/ready");
    expect(named(keygate.livenessProbe?.httpGet?.port)).toBe(port);
    expect(named(keygate.readinessProbe?.httpGet?.port)).toBe(port);
  });

  test("a Job runs `migrate`, and the serving pods leave the schema to it", () => {
    const migrate = job.spec!.template.spec!.containers[0]!;
    expect([...(migrate.command ?? []), ...(migrate.args ?? [])]).toEqual(["node", "--enable-source-maps", "dist/main.js", "migrate"]);
    expect([...(keygate.command ?? []), ...(keygate.args ?? [])]).toEqual(["node", "--enable-source-maps", "dist/main.js", "serve"]);
    expect(literalEnv(keygate).KEYGATE_AUTO_MIGRATE).toBe("false");
    expect(migrate.image).toBe(keygate.image);
  });

  test("every variable given to keygate is a setting, literal values pass keygate's validation, and credentials come from Secrets", () => {
    for (const container of [keygate, job.spec!.template.spec!.containers[0]!]) {
      const names = (container.env ?? []).map((e) => e.name);
      expect(names.filter((n) => !settingNames.has(n))).toEqual([]);
      expect(() => loadConfig(literalEnv(container))).not.toThrow();
      const fromSecret = (name: string) => container.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
      expect(fromSecret("DATABASE_URL")).toMatchObject({ name: expect.any(String), key: expect.any(String) });
    }
    const env = keygate.env ?? [];
    for (const secret of ["DATABASE_URL", "KEYGATE_ADMIN_TOKEN", "KEYGATE_MASTERKEY"]) {
      expect(env.find((e) => e.name === secret)).toEqual({ name: secret, valueFrom: { secretKeyRef: expect.objectContaining({ name: "keygate" }) } });
    }
  });

  test.each([
    ["Deployment", podSpec],
    ["Job", job.spec!.template.spec!],
  ])("the %s's pods run as non-root on a read-only root filesystem, with resource requests", (_kind, spec: IPodSpec) => {
    expect(spec.securityContext?.runAsNonRoot).toBe(true);
    for (const container of spec.containers) {
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      // Whatever keygate writes (its data dir, temporary files) lands on a mounted volume.
      const mounted = (container.volumeMounts ?? []).map((m) => m.mountPath);
      expect(mounted).toContain("/tmp");
    }
  });

  test("the grace period outlasts the shutdown delay plus the drain, and rollouts never lower capacity", () => {
    const env = literalEnv(keygate);
    const neededMs = Number(env.KEYGATE_SHUTDOWN_DELAY_MS) + Number(env.KEYGATE_SHUTDOWN_TIMEOUT_MS);
    expect(Number(env.KEYGATE_SHUTDOWN_DELAY_MS)).toBeGreaterThan(0);
    expect(podSpec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(neededMs);
    expect(deployment.spec!.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  test("the Service and the PodDisruptionBudget select the serving pods and not the migration Job's", () => {
    const podLabels = deployment.spec!.template.metadata?.labels;
    const jobLabels = job.spec!.template.metadata?.labels;
    expect(labelsMatch(deployment.spec!.selector.matchLabels, podLabels)).toBe(true);
    expect(labelsMatch(service.spec!.selector, podLabels)).toBe(true);
    expect(labelsMatch(pdb.spec!.selector!.matchLabels, podLabels)).toBe(true);
    expect(labelsMatch(service.spec!.selector, jobLabels)).toBe(false);
    expect(labelsMatch(pdb.spec!.selector!.matchLabels, jobLabels)).toBe(false);
    const targets = service.spec!.ports!.map((p) => p.targetPort);
    expect(targets.every((t) => keygate.ports!.some((p) => p.name === t || p.containerPort === t))).toBe(true);
    expect(Number(pdb.spec!.minAvailable)).toBeLessThan(deployment.spec!.replicas!);
  });
});
