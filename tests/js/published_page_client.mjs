// SPDX-License-Identifier: GPL-3.0-or-later

// A client written from the published Mist WebSockets API page alone: the
// page's own JavaScript (the onmessage switch of "Container Logs" and the
// metrics dashboard callback), run on a WHATWG WebSocket (Node's built-in
// one, the same API browsers have). Only the sign-in is added, because the
// page says sockets "inherit authentication from HTTP cookies".
//
// usage: node [--experimental-websocket] published_page_client.mjs BASE_URL EMAIL PASSWORD APP_ID
// Prints one JSON object with what each socket received, then exits.
//
// Node >= 22 has the WebSocket built in, Node 20.10+ behind
// --experimental-websocket; Debian 12's own Node (18) has none, and there the
// `ws` module (Debian's node-ws) stands in: its WebSocket takes the same
// constructor, onopen/onmessage(event.data)/onerror/onclose.
import { createRequire } from 'node:module';

const [base, email, password, appId] = process.argv.slice(2);
let WS = globalThis.WebSocket;
if (!WS) {
  const require = createRequire(import.meta.url);
  for (const name of ['ws', '/usr/share/nodejs/ws']) {
    try {
      WS = require(name);
      break;
    } catch {
      // next
    }
  }
}
if (!WS) {
  console.error('this Node has no WebSocket (Node >= 20.10 with --experimental-websocket, ' +
                '>= 22, or the ws module: apt-get install node-ws)');
  process.exit(3);
}

const login = await fetch(`${base}/api/auth/login`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ email, password }),
});
if (login.status !== 200) {
  console.error('login failed', login.status);
  process.exit(4);
}
// A browser keeps the cookie itself; here we hand it over the same way.
const cookie = login.headers.get('set-cookie').split(';')[0];
const wsBase = base.replace(/^http/, 'ws');
const result = { logs: [], status: null, error: null, ended: false, metrics: [] };

await new Promise((resolve) => {
  // --- from the page: Container Logs (Real-time) ---
  const ws = new WS(`${wsBase}/ws/container/logs?appId=${appId}`, { headers: { Cookie: cookie } });
  ws.onopen = () => {
    console.error('Connected to container logs');
  };
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    switch (message.type) {
      case 'status':
        result.status = message.data;
        break;
      case 'log':
        result.logs.push(message.data.line);
        if (result.logs.length >= 3) ws.close();
        break;
      case 'error':
        result.error = message.data.message;
        break;
      case 'end':
        result.ended = true;
        break;
    }
  };
  ws.onerror = () => { result.error = result.error || 'WebSocket connection error'; };
  ws.onclose = () => resolve();
});

await new Promise((resolve) => {
  // --- from the page: System Metrics ---
  const ws = new WS(`${wsBase}/ws/metrics`, { headers: { Cookie: cookie } });
  const updateDashboard = (metrics) => {
    result.metrics.push({ cpu: metrics.cpu.usage, cores: metrics.cpu.cores,
                          memory: metrics.memory.percent, disk: metrics.disk.percent,
                          docker: metrics.docker });
    // Two ticks at least; a tick taken while a busy engine had not yet
    // answered says "docker": null by design, so read on (up to ten) until
    // one carries the engine's counts.
    const n = result.metrics.length;
    if ((n >= 2 && metrics.docker !== null) || n >= 10) ws.close();
  };
  ws.onmessage = (event) => {
    const metrics = JSON.parse(event.data);
    updateDashboard(metrics);
  };
  ws.onclose = () => resolve();
});

console.log(JSON.stringify(result));
