import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Tracks the server's connections so that close() can end the ones with no request in
 * flight. Node's own idle-connection closing skips a connection that has not sent a request
 * yet. Fetch clients open such connections ahead of use, so without this the server waits
 * until the client drops them (4 s for undici's default keep-alive timeout).
 */
export function trackConnections(server: Server): { destroyIdle: () => void } {
  const sockets = new Set<Socket>();
  const busy = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
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
      } else {
        busy.delete(socket);
      }
    });
  });
  return {
    destroyIdle: () => {
      for (const socket of sockets) {
        if (!busy.has(socket)) {
          socket.destroy();
        }
      }
    },
  };
}
