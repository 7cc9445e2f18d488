/* placeholder main: replaced by the daemon */
int main(void);
int main(void) { return 1; }
