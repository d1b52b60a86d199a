from .cli import EXPAND
revision: str = 'z'
down_revision: Union[str, None] = None
branch_labels = (cli.EXPAND,)
if x:
    depends_on = 'q'
