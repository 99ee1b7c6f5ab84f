import { ProjectFieldName, ProjectOrganizationIDFilter_Type } from "../../src/gen/zitadel/project/v2/query_pb.js";
import { inOrg, type ManagementClient, type ProjectClient } from "./client.js";
import { byId, h } from "./dom.js";
import { attemptForm, clearFieldErrors, fieldNamedBy, type FormField } from "./field-errors.js";
import { attempt } from "./messages.js";
import type { WizardStart } from "./router.js";
import { knownOrgs, rememberOrg, type KnownOrg } from "./session.js";

/** What the wizard collected, as the review shows it. */
export interface NewApp {
  orgId: string;
  projectId: string;
  name: string;
  version: string;
  description: string;
}

/** Makes the app; the wizard's last step. */
export type CreateApp = (app: NewApp) => Promise<void>;

export interface Wizard {
  /** Opens step 1 with empty fields, the org (and project) it was started from chosen. */
  start(from: WizardStart): Promise<void>;
}

type Step = "org" | "details" | "review";

/**
 * Creating an app the way an API portal's wizard does: 1. the organization
 * (and its project), 2. name, version and description, 3. a read-only review
 * with Back, Cancel and Create. Back keeps what was entered; Cancel leaves
 * without calling anything; Create is the only call that writes.
 */
export function createWizard(management: ManagementClient, projects: ProjectClient, create: CreateApp, cancel: () => void): Wizard {
  const steps: Record<Step, HTMLElement> = {
    org: byId("wizard-step-org"),
    details: byId("wizard-step-details"),
    review: byId("wizard-step-review"),
  };
  const orgForm = byId<HTMLFormElement>("wizard-step-org");
  const detailsForm = byId<HTMLFormElement>("wizard-step-details");
  const orgSelect = byId<HTMLSelectElement>("wizard-org");
  const projectSelect = byId<HTMLSelectElement>("wizard-project");
  const noProjects = byId("wizard-no-projects");
  const lookupInput = byId<HTMLInputElement>("wizard-org-lookup");
  const nameInput = byId<HTMLInputElement>("wizard-name");
  const versionInput = byId<HTMLInputElement>("wizard-version");
  const descriptionInput = byId<HTMLTextAreaElement>("wizard-description");
  const createButton = byId<HTMLButtonElement>("wizard-create");
  const detailFields: FormField[] = [
    { control: nameInput, names: ["name"] },
    { control: versionInput, names: ["version"] },
    { control: descriptionInput, names: ["description"] },
  ];

  function show(step: Step): void {
    for (const [name, element] of Object.entries(steps)) element.hidden = name !== step;
    document.querySelectorAll<HTMLElement>("#wizard-steps li").forEach((item) => {
      if (item.dataset.step === step) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
  }

  function renderOrgs(orgs: KnownOrg[], selected: string): void {
    orgSelect.replaceChildren(
      h("option", { value: "", textContent: "Choose an organization", disabled: true }),
      ...orgs.map((org) => h("option", { value: org.id, textContent: `${org.name} (${org.id})` })),
    );
    orgSelect.value = orgs.some((org) => org.id === selected) ? selected : "";
  }

  /** The org of that id by its name, asked of keygate with the org header; remembered for next time. */
  async function lookUpOrg(orgId: string): Promise<KnownOrg> {
    const { org } = await management.getMyOrg({}, inOrg(orgId));
    const found = { id: org?.id ?? orgId, name: org?.name ?? orgId };
    rememberOrg(found);
    return found;
  }

  async function loadProjects(selected: string): Promise<void> {
    const organizationId = orgSelect.value;
    projectSelect.replaceChildren(h("option", { value: "", textContent: "Choose a project", disabled: true }));
    projectSelect.value = "";
    noProjects.hidden = true;
    if (organizationId === "") return;
    const { projects: found } = await projects.listProjects({
      filters: [{ filter: { case: "organizationIdFilter", value: { organizationId, type: ProjectOrganizationIDFilter_Type.OWNED } } }],
      sortingColumn: ProjectFieldName.NAME,
      pagination: { limit: 500, asc: true },
    });
    projectSelect.append(...found.map((project) => h("option", { value: project.projectId, textContent: project.name })));
    projectSelect.value = found.some((project) => project.projectId === selected) ? selected : "";
    noProjects.hidden = found.length > 0;
  }

  function collected(): NewApp {
    return {
      orgId: orgSelect.value,
      projectId: projectSelect.value,
      name: nameInput.value.trim(),
      version: versionInput.value.trim(),
      description: descriptionInput.value.trim(),
    };
  }

  function review(): void {
    const app = collected();
    const text = (select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? "";
    const shown: [string, string][] = [
      ["Organization", text(orgSelect)],
      ["Project", text(projectSelect)],
      ["Name", app.name],
      ["Version", app.version],
      ["Description", app.description === "" ? "—" : app.description],
    ];
    byId("wizard-review").replaceChildren(...shown.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
    show("review");
    createButton.focus();
  }

  orgSelect.addEventListener("change", () => void attempt(undefined, () => loadProjects("")));

  byId("wizard-org-add").addEventListener("click", (event) => {
    const orgId = lookupInput.value.trim();
    if (orgId === "") return;
    void attempt(event.currentTarget as HTMLButtonElement, async () => {
      const org = await lookUpOrg(orgId);
      renderOrgs(knownOrgs(), org.id);
      lookupInput.value = "";
      await loadProjects("");
    });
  });

  orgForm.addEventListener("submit", (event) => {
    event.preventDefault();
    show("details");
    nameInput.focus();
  });
  detailsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(detailFields);
    review();
  });
  byId("wizard-back-details").addEventListener("click", () => show("org"));
  byId("wizard-back-review").addEventListener("click", () => show("details"));
  document.querySelectorAll<HTMLButtonElement>("#wizard .wizard-cancel").forEach((button) => button.addEventListener("click", cancel));

  createButton.addEventListener("click", () => {
    const app = collected();
    // A refusal naming a field of step 2 (an empty name, a version too long) goes back to it, under the field.
    void attemptForm(createButton, detailFields, async () => {
      try {
        await create(app);
      } catch (error) {
        if (fieldNamedBy(error, detailFields) !== undefined) show("details");
        throw error;
      }
    });
  });

  return {
    async start(from) {
      orgForm.reset();
      detailsForm.reset();
      clearFieldErrors(detailFields);
      show("org");
      await attempt(undefined, async () => {
        const known = knownOrgs();
        if (from.orgId !== "" && !known.some((org) => org.id === from.orgId)) await lookUpOrg(from.orgId);
        renderOrgs(knownOrgs(), from.orgId);
        await loadProjects(from.projectId);
      });
      (orgSelect.value === "" ? orgSelect : projectSelect.value === "" ? projectSelect : byId("wizard-next-org")).focus();
    },
  };
}
