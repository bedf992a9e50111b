import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Tracks the server's connections so that a closing server does not wait for keep-alive
 * clients. Node's own idle-connection closing runs once, when close() is called, and skips a
 * connection that has not sent a request yet. Fetch clients open such connections ahead of
 * use. A connection whose response was still in flight at that moment would stay open until
 * fastify's keep-alive timeout (72 s). After `drain()`, every connection is destroyed as soon
 * as it has no response in flight, and new connections are refused.
 *
 * `resetAll()` destroys every connection at once, busy or not. `refuse()` turns the
 * rejection of new connections on and off. A restart of the stand-in uses both.
 */
export function trackConnections(server: Server) {
  const sockets = new Set<Socket>();
  const busy = new Map<Socket, number>();
  let draining = false;
  let refusing = false;

  server.on('connection', (socket: Socket) => {
    if (draining || refusing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket = request.socket as Socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const inFlight = (busy.get(socket) ?? 1) - 1;
      if (inFlight > 0) {
        busy.set(socket, inFlight);
        return;
      }
      busy.delete(socket);
      if (draining) socket.destroy();
    });
  });
  return {
    drain: () => {
      draining = true;
      for (const socket of sockets) {
        if (!busy.has(socket)) socket.destroy();
      }
    },
    /**
     * Destroys every connection and resolves once all of them have closed, and clients in
     * this process have seen that. On loopback the client's end of a connection learns of
     * the close in the event loop's next poll phase, so the promise waits for two turns.
     * Without that, a keep-alive client in a test could still send on a closed connection.
     */
    resetAll: async () => {
      const closed = [...sockets].map((socket) => new Promise((resolve) => {
        socket.once('close', resolve);
        socket.destroy();
      }));
      await Promise.all(closed);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    },
    refuse: (on: boolean) => {
      refusing = on;
    },
  };
}
