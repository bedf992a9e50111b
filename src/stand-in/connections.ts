import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Tracks the server's connections so that a closing server does not wait for keep-alive
 * clients. Node's own idle-connection closing runs once, when close() is called, and skips a
 * connection that has not sent a request yet. Fetch clients open such connections ahead of
 * use. A connection whose response was still in flight at that moment would stay open until
 * fastify's keep-alive timeout (72 s). After `drain()`, every connection is destroyed as soon
 * as it has no response in flight, and new connections are refused.
 */
export function trackConnections(server: Server): { drain: () => void } {
  const sockets = new Set<Socket>();
  const busy = new Map<Socket, number>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    if (draining) {
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
  };
}
