// The topology page: reads /api/v1/overview/stream (server-sent events) with the API token in the
// Authorization header, which EventSource cannot send, so the stream is read with fetch. Every
// value from the events is put into the page as text, never as markup.
"use strict";

const TOKEN_KEY = "corvus.token";
const RETRY_MS = 2000;
const HEARTBEAT_LATE_MS = 1500;
const HEARTBEAT_STALE_MS = 3000;
const CERTIFICATE_WARNING_DAYS = 7; // as corvus diagnose warns
const DAY_MS = 86400000;

const statusLine = document.getElementById("status");
const signIn = document.getElementById("sign-in");
const signOut = document.getElementById("sign-out");
const clustersView = document.getElementById("clusters");
let reading = null;

function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

function setStatus(state, text) {
  statusLine.className = "status " + state;
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : "-";
}

function age(millis) {
  if (millis === null || millis === undefined) return "never heard";
  if (millis < 10000) return (millis / 1000).toFixed(1) + " s ago";
  if (millis < 120000) return Math.round(millis / 1000) + " s ago";
  if (millis < 7200000) return Math.round(millis / 60000) + " min ago";
  return Math.round(millis / 3600000) + " h ago";
}

function ageClass(millis) {
  if (millis === null || millis === undefined || millis >= HEARTBEAT_STALE_MS) return "age stale";
  return millis >= HEARTBEAT_LATE_MS ? "age late" : "age fresh";
}

function change(c) {
  return el("span", {},
    el("span", { class: c.added ? "came" : "went" }, c.type.toLowerCase() + ":" + c.nodeName + (c.added ? " came" : " went")),
    " ", el("span", { class: "cause" }, c.cause), " ", c.detail);
}

function gatewayCard(gateway) {
  const active = new Set(gateway.endpoints.map(e => e.nodeName));
  const last = gateway.history.length ? gateway.history[0] : null;
  return el("article", {
      class: "gateway " + (gateway.edge ? "edge" : "cloud") + (gateway.endpoints.length ? "" : " none"),
      "data-gateway": gateway.gatewayName,
      "data-endpoints": gateway.endpoints.map(e => e.nodeName).join(","),
    },
    el("h3", {}, gateway.gatewayName, el("span", { class: "side" }, (gateway.edge ? "edge" : "cloud") + " pool " + gateway.nodePool)),
    el("div", { class: "endpoints" }, gateway.endpoints.length
      ? gateway.endpoints.map(e => el("span", { class: "endpoint" }, el("span", { class: "type" }, e.type), e.nodeName))
      : el("span", { class: "endpoint went" }, "no endpoint")),
    el("div", { class: "muted" }, "since " + time(gateway.endpointsSince) + " (" + age(gateway.endpointsAgeMillis) + "), generation "
      + gateway.generation + (gateway.cloudEntry ? ", cloud entry " + gateway.cloudEntry : "")),
    el("div", { class: "members muted" }, "members: ",
      gateway.members.map(m => el("span", { class: active.has(m) ? "active" : null }, m))),
    last ? el("div", { class: "reason", "data-last-change": last.cause }, "last change at " + time(last.at) + ": ", change(last)) : null);
}

function table(headers, rows, whenEmpty) {
  if (!rows.length) return el("p", { class: "muted" }, whenEmpty);
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map(h => el("th", {}, h)))), el("tbody", {}, rows));
}

function nodesTable(cluster) {
  return table(["node", "pool", "ready", "roles", "heartbeat", "link peers", "streams", "tunnel", "tunnel peers", "certificate until"],
    cluster.nodes.map(n => el("tr", { "data-node": n.nodeName },
      el("td", {}, n.nodeName + (n.pinned ? " (pinned)" : "")),
      el("td", {}, n.nodePool || "-"),
      el("td", {}, n.ready === null ? "?" : n.ready ? "yes" : "NotReady"),
      el("td", {}, n.roles.length ? n.roles.join(", ").toLowerCase() : "-"),
      el("td", { class: ageClass(n.heartbeatAgeMillis) }, age(n.heartbeatAgeMillis) + (n.stopping ? " (stopping)" : "")),
      el("td", {}, n.linkPeers.join(", ") || "-"),
      el("td", {}, n.openStreams),
      el("td", {}, n.tunnelState ? n.tunnelState + (n.tunnelProblem ? ": " + n.tunnelProblem : "") : "-"),
      el("td", {}, n.tunnelPeers.map(p => p.nodeName + " (" + (p.handshakeAgeMillis === null ? "no handshake"
        : "handshake " + age(p.handshakeAgeMillis)) + (p.probeOk === null ? "" : p.probeOk ? ", answers" : ", does not answer") + ")")
        .join("; ") || "-"),
      certificateCell(n.certificateNotAfter))),
    "no node known yet");
}

function certificateCell(notAfter) {
  if (!notAfter) return el("td", {}, "-");
  const days = Math.floor((new Date(notAfter) - Date.now()) / DAY_MS);
  const state = days < 0 ? "expired" : days < CERTIFICATE_WARNING_DAYS ? "soon" : "valid";
  return el("td", { class: "certificate " + state },
    new Date(notAfter).toISOString().slice(0, 10) + (days < 0 ? " (expired)" : " (" + days + " days)"));
}

function changesTable(cluster) {
  const changes = cluster.gateways.flatMap(g => g.history.map(c => ({ gateway: g.gatewayName, ...c })))
    .sort((a, b) => b.at.localeCompare(a.at)).slice(0, 25);
  return table(["at", "gateway", "generation", "change"], changes.map(c => el("tr", {},
      el("td", {}, time(c.at)), el("td", {}, c.gateway), el("td", {}, c.generation), el("td", {}, change(c)))),
    "no endpoint change yet");
}

function provisioningTable(cluster) {
  const steps = cluster.provisioning.slice(-12).reverse();
  return table(["at", "revision", "step", "message"], steps.map(s => el("tr", { class: s.step === "failed" || s.step === "degraded" ? "went" : null },
      el("td", {}, time(s.at)), el("td", {}, s.configRevision), el("td", {}, s.step),
      el("td", {}, s.message + (s.reason ? " (" + s.reason + ")" : "") + (s.nextRetryAt ? ", retry at " + time(s.nextRetryAt) : "")))),
    "no provisioning step yet");
}

function ravenTable(cluster) {
  const entries = Object.entries(cluster.ravenConfig).sort();
  return table(["raven-cfg key", "value"], entries.map(([key, value]) => el("tr", {}, el("td", {}, key), el("td", {}, value || "-"))),
    "kube-system/raven-cfg is not written yet");
}

function clusterSection(cluster) {
  const config = cluster.config;
  const last = cluster.provisioning.length ? cluster.provisioning[cluster.provisioning.length - 1] : null;
  return el("section", { class: "cluster", "data-cluster": cluster.clusterId },
    el("h2", {}, "cluster " + cluster.clusterId),
    el("div", { class: "facts" },
      config ? [
        el("span", { class: "fact" }, "configuration revision " + config.revision + " by " + config.actor + " at " + time(config.changedAt)),
        el("span", { class: "fact" + (config.proxyEnabled ? " on" : "") }, "proxy " + (config.proxyEnabled ? "on" : "off")),
        el("span", { class: "fact" + (config.tunnelEnabled ? " on" : "") }, "tunnel " + (config.tunnelEnabled ? "on" : "off")),
      ] : el("span", { class: "fact bad" }, "no configuration"),
      last ? el("span", { class: "fact" + (last.step === "failed" || last.step === "degraded" ? " bad" : "") },
        "provisioning: " + last.step + " at " + time(last.at)) : null,
      cluster.deadLetters ? el("span", { class: "fact bad" }, cluster.deadLetters + " dead letters") : null),
    el("div", { class: "gateways" }, cluster.gateways.map(gatewayCard)),
    el("h4", {}, "Nodes"), nodesTable(cluster),
    el("div", { class: "columns" },
      el("div", {}, el("h4", {}, "Endpoint changes, newest first"), changesTable(cluster)),
      el("div", {}, el("h4", {}, "Provisioning"), provisioningTable(cluster), el("h4", {}, "raven-cfg"), ravenTable(cluster))));
}

function render(snapshot) {
  clustersView.replaceChildren(...(snapshot.clusters.length
    ? snapshot.clusters.map(clusterSection)
    : [el("p", { class: "muted" }, "The topics hold no cluster yet: publish a configuration (corvus config apply).")]));
  setStatus("live", "live, as of " + time(snapshot.at));
}

function showSignIn(problem) {
  reading?.abort();
  clustersView.replaceChildren();
  signIn.hidden = false;
  signOut.hidden = true;
  document.getElementById("sign-in-problem").textContent = problem || "";
  setStatus(problem ? "refused" : "signed-out", problem ? "token refused" : "signed out");
}

async function follow(token) {
  signIn.hidden = true;
  signOut.hidden = false;
  while (sessionStorage.getItem(TOKEN_KEY) === token) {
    reading = new AbortController();
    try {
      const response = await fetch("api/v1/overview/stream", {
        headers: { Authorization: "Bearer " + token, Accept: "text/event-stream" }, signal: reading.signal });
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        showSignIn("config-service refused the token (" + response.status + "): check it and sign in again.");
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      await readEvents(response.body, render);
    } catch (error) {
      if (reading.signal.aborted) return;
      setStatus("reconnecting", "reconnecting (" + error.message + ")");
    }
    await new Promise(resolve => setTimeout(resolve, RETRY_MS));
  }
}

// Server-sent events: blocks separated by a blank line, each data line prefixed "data:".
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the stream ended");
    buffer += value.replace(/\r\n/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter(line => line.startsWith("data:")).map(line => line.slice(5).replace(/^ /, "")).join("\n");
      if (data) onEvent(JSON.parse(data));
    }
  }
}

signIn.addEventListener("submit", event => {
  event.preventDefault();
  const token = document.getElementById("token").value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  document.getElementById("token").value = "";
  setStatus("reconnecting", "connecting");
  follow(token);
});

signOut.addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  showSignIn();
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) {
  follow(saved);
} else {
  showSignIn();
}
