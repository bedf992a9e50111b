// Puts <connect-refresh-button> into a Dash layout and reports finished renders to Dash.
// Dash adds every .js file of assets/ to the page as a classic script, so this file and the
// classic build of the element (connect-refresh-button.iife.js, copied here by
// `node scripts/dash-assets.mjs`) load without a bundler.
(function () {
  'use strict';

  // Resolves with the element of the id once it is in the document. Dash renders the layout
  // with React, so a clientside callback may run before its container exists.
  function whenRendered(id) {
    return new Promise(function (resolve) {
      var found = document.getElementById(id);
      if (found) {
        resolve(found);
        return;
      }
      var observer = new MutationObserver(function () {
        var element = document.getElementById(id);
        if (element) {
          observer.disconnect();
          resolve(element);
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  }

  // Fetches a fresh signed user token from the Dash server, which mints it for the session's user.
  function fetchToken(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (!response.ok) {
        throw new Error('Token request to ' + url + ' failed with HTTP ' + response.status);
      }
      return response.text();
    });
  }

  // Clientside callback: creates the button in config.slot once, with a token provider, and
  // sets the data of the dcc.Store config.done to the event detail when a render succeeds.
  function mount(config) {
    var clientside = window.dash_clientside;
    if (!config) {
      return clientside.no_update;
    }
    whenRendered(config.slot).then(function (slot) {
      if (slot.querySelector('connect-refresh-button')) {
        return;
      }
      var button = document.createElement('connect-refresh-button');
      button.gateway = config.gateway;
      button.report = config.report;
      button.tokenProvider = function () {
        return fetchToken(config.tokenUrl);
      };
      button.addEventListener('connect-refresh-success', function (event) {
        window.dash_clientside.set_props(config.done, { data: event.detail });
      });
      slot.appendChild(button);
    });
    return clientside.no_update;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.connectRefresh = { mount: mount };
})();
