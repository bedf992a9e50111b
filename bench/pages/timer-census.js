// Counts the live timers of a page: timeouts that have neither fired nor been cleared,
// intervals not cleared, and animation frames neither run nor cancelled. The page cost
// benchmark adds this script before any other script of the page and reads
// `window.timerCensus.live()`.
(() => {
  const timeouts = new Set();
  const intervals = new Set();
  const frames = new Set();
  const original = {
    setTimeout: window.setTimeout.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    setInterval: window.setInterval.bind(window),
    clearInterval: window.clearInterval.bind(window),
    requestAnimationFrame: window.requestAnimationFrame.bind(window),
    cancelAnimationFrame: window.cancelAnimationFrame.bind(window),
  };

  window.setTimeout = (handler, delay, ...args) => {
    const id = original.setTimeout((...callArgs) => {
      timeouts.delete(id);
      if (typeof handler === 'function') handler(...callArgs);
    }, delay, ...args);
    timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => {
    timeouts.delete(id);
    original.clearTimeout(id);
  };
  window.setInterval = (handler, delay, ...args) => {
    const id = original.setInterval(handler, delay, ...args);
    intervals.add(id);
    return id;
  };
  window.clearInterval = (id) => {
    intervals.delete(id);
    original.clearInterval(id);
  };
  window.requestAnimationFrame = (callback) => {
    const id = original.requestAnimationFrame((time) => {
      frames.delete(id);
      callback(time);
    });
    frames.add(id);
    return id;
  };
  window.cancelAnimationFrame = (id) => {
    frames.delete(id);
    original.cancelAnimationFrame(id);
  };

  window.timerCensus = {
    live: () => ({ timeouts: timeouts.size, intervals: intervals.size, frames: frames.size }),
  };
})();
