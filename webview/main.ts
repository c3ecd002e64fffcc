// Entry point of the webview bundle: connect to the host and start the app.
import { connect } from './api';
import { App } from './app';
import { initControls } from './ui/toolkit';

const root = document.getElementById('app');
// For the first-paint measurement: when the bundle started running (performance.now() is from navigation start).
root?.setAttribute('data-script-start-ms', performance.now().toFixed(1));
// Before the first render: which controls (toolkit or native) the views get; recorded for the browser test.
const controls = initControls(document);
root?.setAttribute('data-controls', controls);
if (root) new App(root, connect()).start();
