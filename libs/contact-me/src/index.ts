export * from './contact-me.outcome';
export * from './contact-me.target';
export * from './contact-me.sender';
export * from './contact-me.rules';
export * from './contact-me.options';
export * from './token-bucket.limiter';
export * from './contact-me.target-policy';
