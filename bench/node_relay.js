// The Node.js baseline: the same bare relay as bench/relay.py, on the reference socket.io server.
// Usage: NODE_PATH=<dir>/node_modules node bench/node_relay.js PORT
"use strict";
const { Server } = require("socket.io");

const port = parseInt(process.argv[2] || "9200", 10);
const io = new Server(port, { cors: { origin: "*" }, serveClient: false });

const agents = io.of("/agent");
agents.use((socket, next) => {
  const auth = socket.handshake.auth || {};
  if (!auth.agent) return next(new Error("unauthorized"));
  next();
});
agents.on("connection", (socket) => {
  socket.join("agent:" + socket.handshake.auth.agent);
  socket.on("message:send", (data, ack) => {
    const message = Object.assign({}, data, { author: { kind: "agent" } });
    visitors.to("pair:" + data.conversation_id).emit("message:new", { message });
    if (typeof ack === "function") ack({ ok: true });
  });
});

const visitors = io.of("/visitor");
visitors.on("connection", (socket) => {
  const auth = socket.handshake.auth || {};
  if (auth.pair) socket.join("pair:" + auth.pair);
  const partner = "agent:" + auth.agent;
  socket.on("message:send", (data, ack) => {
    const message = Object.assign({}, data, { author: { kind: "visitor" } });
    agents.to(partner).emit("message:new", { message });
    if (typeof ack === "function") ack({ ok: true });
  });
});

console.log("node relay listening on " + port);
