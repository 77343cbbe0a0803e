export * from './stage-decision';
export * from './stage-deps';
export * from './contact-router';
export * from './secret-box';
