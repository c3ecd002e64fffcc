// Entry point of the webview bundle: connect to the host and start the app.
import { connect } from './api';
import { App } from './app';

const root = document.getElementById('app');
if (root) new App(root, connect()).start();
