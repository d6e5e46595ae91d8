import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent } from '../shared/api/events';

/** The renderer's whole view of the main process: one call function and one event stream, nothing else. */
contextBridge.exposeInMainWorld('synood', {
  invoke: (route: string, input: unknown) => ipcRenderer.invoke('synood:call', route, input),
  onEvent: (listener: (e: ApiEvent) => void) => {
    const wrapped = (_: IpcRendererEvent, e: ApiEvent) => listener(e);
    ipcRenderer.on('synood:event', wrapped);
    return () => ipcRenderer.removeListener('synood:event', wrapped);
  },
});
