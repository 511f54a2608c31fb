//! The sandbox where tools run: Kubernetes manifests (gVisor, non-root, read-only, default-deny
//! egress with exactly the allow-list the tools need), a compose file for one host, Anthropic
//! `srt` settings, and for Claude Managed Agents self-hosted sandboxes the worker's env file.

use serde_json::{json, Value};
use triplane_model::{Component, ComponentKind, Deployment};

use crate::text;
use crate::Files;

/// One `host:port` the sandbox may reach.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Egress {
    pub host: String,
    pub port: u16,
}

/// Managed Agents workers poll Anthropic's API for work.
const ANTHROPIC_API: &str = "api.anthropic.com";

/// Where a Managed Agents worker long-polls; a sandbox of that kind is one whose offering, or
/// whose orchestrator's offering, is Anthropic's Managed Agents.
pub fn is_managed_agents(d: &Deployment, sandbox: &Component) -> bool {
    let managed =
        |c: &Component| c.offering.as_ref().is_some_and(|o| o.id.contains("managed-agents"));
    managed(sandbox)
        || d.components.iter().any(|c| c.kind == ComponentKind::Orchestrator && managed(c))
}

/// The egress allow-list of a sandbox: the `egress` of every MCP server it links to (the
/// tools it runs), plus Anthropic's API for a Managed Agents worker. Sorted, no duplicates.
pub fn egress_allow_list(d: &Deployment, sandbox: &Component) -> Vec<Egress> {
    let mut out: Vec<Egress> = d
        .callees(&sandbox.id)
        .filter(|c| c.kind == ComponentKind::McpServer)
        .filter_map(|c| c.mcp.as_ref())
        .flat_map(|m| m.egress.iter())
        .filter_map(|e| {
            let (host, port) = e.rsplit_once(':')?;
            Some(Egress {
                host: host.trim_matches(['[', ']']).to_string(),
                port: port.parse().ok()?,
            })
        })
        .collect();
    if is_managed_agents(d, sandbox) {
        out.push(Egress { host: ANTHROPIC_API.into(), port: 443 });
    }
    out.sort();
    out.dedup();
    out
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

pub fn generate(d: &Deployment, files: &mut Files) {
    for s in d.components.iter().filter(|c| c.kind == ComponentKind::Sandbox && c.self_hosted) {
        let dir = format!("sandbox/{}", s.id);
        let egress = egress_allow_list(d, s);
        let managed = is_managed_agents(d, s);
        files.text(&format!("{dir}/kubernetes/manifests.yaml"), kubernetes(s, &egress, managed));
        files.text(&format!("{dir}/compose.yaml"), compose(s, managed));
        files.text(&format!("{dir}/srt-settings.json"), srt(&egress));
        if managed {
            files.text(&format!("{dir}/worker.env"), worker_env(s));
        }
        files.text(&format!("{dir}/README.md"), readme(s, &egress, managed));
    }
}

fn labels(s: &Component) -> Value {
    json!({"app.kubernetes.io/name": s.id, "app.kubernetes.io/part-of": "triplane"})
}

/// The sandbox's `image` from the deployment file (digest-checked when the file is read), else
/// a local placeholder that no registry serves, so an unpinned sandbox cannot start by accident.
fn image(s: &Component) -> String {
    s.image.clone().unwrap_or_else(|| format!("localhost/triplane-sandbox-{}:latest", s.id))
}

fn kubernetes(s: &Component, egress: &[Egress], managed: bool) -> String {
    let runtime_class = json!({
        "apiVersion": "node.k8s.io/v1",
        "kind": "RuntimeClass",
        "metadata": {"name": "gvisor"},
        "handler": "runsc",
    });
    let mut container = json!({
        "name": "sandbox",
        "image": image(s),
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "capabilities": {"drop": ["ALL"]},
        },
        "resources": {
            "requests": {"cpu": "250m", "memory": "256Mi", "ephemeral-storage": "256Mi"},
            "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"},
        },
        "volumeMounts": [
            {"name": "workspace", "mountPath": "/workspace"},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    });
    if managed {
        container["command"] = json!(["ant", "beta:worker", "poll", "--workdir", "/workspace"]);
        container["envFrom"] = json!([{"secretRef": {"name": format!("{}-worker", s.id)}}]);
    }
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": s.id, "labels": labels(s)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app.kubernetes.io/name": s.id}},
            "template": {
                "metadata": {"labels": labels(s)},
                "spec": {
                    "runtimeClassName": "gvisor",
                    "automountServiceAccountToken": false,
                    "enableServiceLinks": false,
                    "securityContext": {
                        "runAsNonRoot": true,
                        "runAsUser": 10001,
                        "runAsGroup": 10001,
                        "fsGroup": 10001,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container],
                    "volumes": [
                        {"name": "workspace", "emptyDir": {"sizeLimit": "1Gi"}},
                        {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                    ],
                },
            },
        },
    });

    // NetworkPolicy is L3/L4: IP addresses become /32 blocks; host names need DNS and an
    // FQDN-aware CNI, and are left out here (fail closed) and listed in the README.
    let mut rules: Vec<Value> = egress
        .iter()
        .filter(|e| is_ip(&e.host))
        .map(|e| {
            let cidr = if e.host.contains(':') { format!("{}/128", e.host) } else { format!("{}/32", e.host) };
            json!({"to": [{"ipBlock": {"cidr": cidr}}], "ports": [{"protocol": "TCP", "port": e.port}]})
        })
        .collect();
    if egress.iter().any(|e| !is_ip(&e.host)) {
        rules.push(json!({
            "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        }));
    }
    let ingress = if managed {
        json!([])
    } else {
        json!([{"from": [{"podSelector": {"matchLabels": {"triplane.dev/role": "gateway"}}}]}])
    };
    let policy = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": format!("{}-egress", s.id), "labels": labels(s)},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": s.id}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": rules,
        },
    });
    text::yaml_docs(
        &format!(
            "Sandbox `{}`, generated by Triplane: RuntimeClass gvisor, the Deployment, and its\n\
             NetworkPolicy (default-deny, egress only to the tools' allow-list).",
            s.id
        ),
        &[runtime_class, deployment, policy],
    )
}

fn compose(s: &Component, managed: bool) -> String {
    let mut service = json!({
        "image": image(s),
        "runtime": "runsc",
        "read_only": true,
        "user": "10001:10001",
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
        "pids_limit": 256,
        "mem_limit": "1g",
        "cpus": 1.0,
        "tmpfs": ["/tmp:size=64m", "/workspace:size=1g,uid=10001"],
        "networks": ["sandbox"],
    });
    let mut networks = json!({"sandbox": {"internal": true}});
    if managed {
        // The worker must reach Anthropic's API; everything else stays on the internal network.
        service["command"] = json!(["ant", "beta:worker", "poll", "--workdir", "/workspace"]);
        service["env_file"] = json!(["worker.env"]);
        service["networks"] = json!(["sandbox", "egress"]);
        networks["egress"] = json!({});
    }
    let doc = json!({
        "name": format!("triplane-{}", s.id),
        "services": {s.id.clone(): service},
        "networks": networks,
    });
    text::yaml_doc(
        &format!(
            "Sandbox `{}` on one host, generated by Triplane. gVisor (`runsc`) must be registered\n\
             as a Docker runtime. The `sandbox` network is internal: no egress.",
            s.id
        ),
        &doc,
    )
}

fn srt(egress: &[Egress]) -> String {
    let domains: Vec<String> = egress.iter().map(|e| e.host.clone()).collect();
    let settings = json!({
        "network": {
            "allowedDomains": domains,
            "deniedDomains": [],
        },
        "filesystem": {
            "denyRead": ["~/.ssh", "~/.aws", "~/.config/gcloud", "~/.kube", "~/.docker", "~/.gnupg"],
            "allowWrite": ["."],
            "denyWrite": [".git", ".env"],
        },
    });
    let mut out = serde_json::to_string_pretty(&settings).unwrap_or_default();
    out.push('\n');
    out
}

fn worker_env(s: &Component) -> String {
    format!(
        "# Claude Managed Agents self-hosted sandbox worker `{}`, generated by Triplane.\n\
         # Fill in from the Anthropic Console; keep the filled copy out of version control.\n\
         ANTHROPIC_ENVIRONMENT_ID=\n\
         ANTHROPIC_ENVIRONMENT_KEY=\n",
        s.id
    )
}

fn readme(s: &Component, egress: &[Egress], managed: bool) -> String {
    let list: String = if egress.is_empty() {
        "- nothing: no egress at all\n".into()
    } else {
        egress.iter().map(|e| format!("- `{}:{}`\n", e.host, e.port)).collect()
    };
    let names: Vec<&Egress> = egress.iter().filter(|e| !is_ip(&e.host)).collect();
    let fqdn = if names.is_empty() {
        String::new()
    } else {
        format!(
            "\nNetworkPolicy cannot name hosts: {} stay blocked in Kubernetes until you add them\n\
             with an FQDN-aware CNI (Cilium `toFQDNs`) or an egress proxy. `srt` allows them by name.\n",
            names.iter().map(|e| format!("`{}`", e.host)).collect::<Vec<_>>().join(", ")
        )
    };
    let managed_text = if managed {
        "\n## Claude Managed Agents\n\n\
         The container runs the environment worker (`ant beta:worker poll`); fill `worker.env`\n\
         (Kubernetes: a Secret named `<id>-worker` with the same keys). The worker only dials\n\
         out. **What still reaches Anthropic:** the model runs at Anthropic, so every tool input\n\
         and every tool result travels to Anthropic's API, along with the prompts and the\n\
         session's skills and memory it downloads; the worker long-polls `api.anthropic.com`.\n\
         Moving the sandbox moves where tools execute, not who sees their data.\n"
    } else {
        ""
    };
    format!(
        "# Sandbox `{id}`\n\n\
         Where the agent's tools run.\n\n\
         - `kubernetes/manifests.yaml`: RuntimeClass `gvisor` (handler `runsc`), the Deployment\n\
         \x20 (non-root, read-only root, no privilege escalation, all capabilities dropped,\n\
         \x20 resource limits) and a NetworkPolicy that denies all egress except the list below.\n\
         - `compose.yaml`: the same on one host under gVisor, on an internal network.\n\
         - `srt-settings.json`: Anthropic's sandbox runtime, for one process on a workstation:\n\
         \x20 `srt --settings srt-settings.json -- <tool command>`.\n\n\
         Egress allow-list (the `egress` of the MCP servers this sandbox runs):\n\n{list}{fqdn}\n\
         ## Start\n\n\
         {start}\n\
         `kubectl apply -f kubernetes/manifests.yaml` or `docker compose up -d`.\n\n\
         ## What it protects\n\n\
         A tool that is compromised or misled cannot read the host, write outside its workspace,\n\
         gain privileges, or reach anything but the listed addresses.\n\n\
         ## What it does not\n\n\
         It does not decide what data the tools return to the agent, nor where the agent sends\n\
         it: that is the router's and the gateway's job. NetworkPolicy needs a CNI that enforces\n\
         it; gVisor needs `runsc` on the nodes.\n{managed_text}",
        id = s.id,
        start = match &s.image {
            Some(image) => {
                format!(
                    "The image is `{image}`, pinned by digest in the deployment file. Start with"
                )
            }
            None =>
                "The image is a placeholder: set the sandbox's `image` in the deployment file\n\
                     to your tool image pinned by digest (`REPOSITORY@sha256:…`), export again,\n\
                     then start with"
                    .to_owned(),
        }
    )
}

#[cfg(test)]
mod tests {
    use triplane_model::{Catalog, LoadError};

    const EXAMPLE: &str = include_str!("../../../assets/examples/self-hosted-sandbox.yaml");

    fn with_image(image: &str) -> Result<triplane_model::Deployment, LoadError> {
        let text = EXAMPLE.replace(
            "      kind: sandbox\n",
            &format!("      kind: sandbox\n      image: {image}\n"),
        );
        assert_ne!(text, EXAMPLE, "the example has a sandbox");
        let catalog = Catalog::bundled().unwrap();
        triplane_model::load_bytes("self-hosted-sandbox.yaml", text.as_bytes(), &catalog)
    }

    fn bundle_text(d: &triplane_model::Deployment, path: &str) -> String {
        let files = crate::generate(d).unwrap();
        String::from_utf8(files.get(path).unwrap_or_else(|| panic!("{path}")).to_vec()).unwrap()
    }

    #[test]
    fn a_digest_pinned_image_runs_in_every_sandbox_file() {
        let image = format!("registry.example.org/tools/runner@sha256:{}", "cd".repeat(32));
        let d = with_image(&image).unwrap();
        for path in ["sandbox/sandbox/kubernetes/manifests.yaml", "sandbox/sandbox/compose.yaml"] {
            let text = bundle_text(&d, path);
            assert!(text.contains(&image), "{path} runs the pinned image:\n{text}");
            assert!(!text.contains("localhost/triplane-sandbox"), "{path} has no placeholder");
        }
        let readme = bundle_text(&d, "sandbox/sandbox/README.md");
        assert!(readme.contains("pinned by digest in the deployment file"), "{readme}");
    }

    #[test]
    fn without_an_image_the_placeholder_is_said_to_be_one() {
        let catalog = Catalog::bundled().unwrap();
        let d = triplane_model::load_bytes("e.yaml", EXAMPLE.as_bytes(), &catalog).unwrap();
        let readme = bundle_text(&d, "sandbox/sandbox/README.md");
        assert!(readme.contains("The image is a placeholder"), "{readme}");
    }

    #[test]
    fn a_tag_or_an_image_on_another_kind_is_refused_naming_the_field() {
        let Err(LoadError::Invalid { diagnostics, .. }) = with_image("tools/runner:1.2") else {
            panic!("a tag must be refused");
        };
        assert!(diagnostics[0].path.ends_with(".image"), "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("not pinned by digest"), "{diagnostics:?}");

        let image = format!("tools/runner@sha256:{}", "cd".repeat(32));
        let text = EXAMPLE.replace(
            "      kind: data-store\n",
            &format!("      kind: data-store\n      image: {image}\n"),
        );
        assert_ne!(text, EXAMPLE, "the example has a data store");
        let catalog = Catalog::bundled().unwrap();
        let Err(LoadError::Invalid { diagnostics, .. }) =
            triplane_model::load_bytes("e.yaml", text.as_bytes(), &catalog)
        else {
            panic!("an image on a data store must be refused");
        };
        assert!(
            diagnostics[0].message.contains("only a sandbox has an `image`"),
            "{diagnostics:?}"
        );
    }
}
